import { fileURLToPath } from "node:url";
import { bindService, unimplementedHandlers } from "@wms/grpc";
import { WarehouseServiceService } from "@wms/proto/warehouse";
import { serviceNames } from "@wms/proto/descriptors";
import type { ServiceModule } from "@wms/service";

// Contract published, service not built yet: every RPC answers UNIMPLEMENTED.
export const warehouseService: ServiceModule<Record<string, never>> = {
  name: "warehouse",
  configSpec: {},
  migrationsFolder: fileURLToPath(new URL("../drizzle", import.meta.url)),
  async create() {
    return { bindings: [bindService(serviceNames.warehouse, WarehouseServiceService, unimplementedHandlers(WarehouseServiceService))] };
  },
};
