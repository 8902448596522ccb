import { fileURLToPath } from "node:url";
import { ConfigError } from "@wms/config";
import { bindService } from "@wms/grpc";
import { hashPassword } from "@wms/auth";
import { UserServiceService } from "@wms/proto/user";
import { serviceNames } from "@wms/proto/descriptors";
import { demoUsers, DEMO_PASSWORD } from "@wms/demo";
import type { ServiceModule } from "@wms/service";
import { userConfigSpec } from "./config.js";
import { createUserRepo } from "./db/repo.js";
import { createUsersDomain } from "./domain/users.js";
import { register } from "./rpc/register.js";
import { login } from "./rpc/login.js";
import { getUser } from "./rpc/get-user.js";
import { createdShopFromMessage } from "./mapping.js";

export const userService: ServiceModule<typeof userConfigSpec> = {
  name: "user",
  configSpec: userConfigSpec,
  migrationsFolder: fileURLToPath(new URL("../drizzle", import.meta.url)),
  async create({ db, userTokenIssuer, peers, config }) {
    if (!userTokenIssuer) throw new ConfigError(["JWT_PRIVATE_KEY is required by the user service: it signs access tokens"]);
    const repo = createUserRepo(db);
    const users = createUsersDomain({
      repo,
      issuer: userTokenIssuer,
      accessTokenTtlMs: config.ACCESS_TOKEN_TTL,
      createShop: async (request) => {
        const { shop } = await peers.shop().createShop(request);
        if (!shop) throw new Error("CreateShop answered without a shop");
        return createdShopFromMessage(shop);
      },
    });
    return {
      bindings: [
        bindService(serviceNames.user, UserServiceService, {
          register: register(users),
          login: login(users),
          getUser: getUser(users),
        }),
      ],
      async seedDemoData() {
        if ((await repo.count()) > 0) return;
        // Demo users are loaded directly: their password is shorter than new accounts may use.
        const passwordHash = await hashPassword(DEMO_PASSWORD);
        for (const u of demoUsers) {
          await repo.insert({ userId: u.userId, email: u.email, phone: u.phone, role: u.role, createTime: new Date() }, passwordHash);
        }
      },
    };
  },
};
