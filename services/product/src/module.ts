import { fileURLToPath } from "node:url";
import { bindService, unimplementedHandlers } from "@wms/grpc";
import { ProductServiceService } from "@wms/proto/product";
import { serviceNames } from "@wms/proto/descriptors";
import type { ServiceModule } from "@wms/service";

// Contract published, service not built yet: every RPC answers UNIMPLEMENTED.
export const productService: ServiceModule<Record<string, never>> = {
  name: "product",
  configSpec: {},
  migrationsFolder: fileURLToPath(new URL("../drizzle", import.meta.url)),
  async create() {
    return { bindings: [bindService(serviceNames.product, ProductServiceService, unimplementedHandlers(ProductServiceService))] };
  },
};
