import { fileURLToPath } from "node:url";
import { bindService, unimplementedHandlers } from "@wms/grpc";
import { OrderServiceService } from "@wms/proto/order";
import { serviceNames } from "@wms/proto/descriptors";
import type { ServiceModule } from "@wms/service";

// Contract published, service not built yet: every RPC answers UNIMPLEMENTED.
export const orderService: ServiceModule<Record<string, never>> = {
  name: "order",
  configSpec: {},
  migrationsFolder: fileURLToPath(new URL("../drizzle", import.meta.url)),
  async create() {
    return { bindings: [bindService(serviceNames.order, OrderServiceService, unimplementedHandlers(OrderServiceService))] };
  },
};
