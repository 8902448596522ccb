import { fileURLToPath } from "node:url";
import { ConfigError } from "@wms/config";
import { LoginThrottle } from "@wms/throttle";
import { bindService } from "@wms/grpc";
import { UserServiceService } from "@wms/proto/user";
import type { ServiceModule } from "@wms/service";
import { userConfigSpec } from "./config.js";
import { createUserRepo } from "./db/repo.js";
import { seedDemoUsers } from "./demo-data.js";
import { createUsersDomain } from "./domain/index.js";
import { createShopForUser } from "./peers/shop.js";
import { register } from "./rpc/register.js";
import { login } from "./rpc/login.js";
import { getUser } from "./rpc/get-user.js";

export const userService: ServiceModule<typeof userConfigSpec> = {
  name: "user",
  configSpec: userConfigSpec,
  migrationsFolder: fileURLToPath(new URL("../drizzle", import.meta.url)),
  async create({ db, userTokenIssuer, peers, config, logger }) {
    if (!userTokenIssuer) throw new ConfigError(["JWT_PRIVATE_KEY is required by the user service: it signs access tokens"]);
    const repo = createUserRepo(db);
    const throttle = new LoginThrottle({
      limits: { perLogin: config.LOGIN_MAX_FAILURES_PER_LOGIN, perAddress: config.LOGIN_MAX_FAILURES_PER_ADDRESS, windowMs: config.LOGIN_FAILURE_WINDOW },
      redisUrl: config.REDIS_URLS[0],
      prefix: config.LOGIN_THROTTLE_KEY_PREFIX,
      logger,
    });
    const users = createUsersDomain({
      repo,
      issuer: userTokenIssuer,
      accessTokenTtlMs: config.ACCESS_TOKEN_TTL,
      createShop: createShopForUser(() => peers.shop()),
      throttle,
    });
    return {
      bindings: [
        bindService(UserServiceService, {
          register: register(users),
          login: login(users),
          getUser: getUser(users),
        }),
      ],
      seedDemoData: () => seedDemoUsers(repo),
      stop: () => throttle.close(),
    };
  },
};
