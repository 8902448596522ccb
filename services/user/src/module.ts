import { fileURLToPath } from "node:url";
import { bindService, unimplementedHandlers } from "@wms/grpc";
import { UserServiceService } from "@wms/proto/user";
import { serviceNames } from "@wms/proto/descriptors";
import type { ServiceModule } from "@wms/service";

// Contract published, service not built yet: every RPC answers UNIMPLEMENTED.
export const userService: ServiceModule<Record<string, never>> = {
  name: "user",
  configSpec: {},
  migrationsFolder: fileURLToPath(new URL("../drizzle", import.meta.url)),
  async create() {
    return { bindings: [bindService(serviceNames.user, UserServiceService, unimplementedHandlers(UserServiceService))] };
  },
};
