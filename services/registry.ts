import type { ServiceModule, ServiceName } from "@wms/service";
import { userService } from "@wms/user-service";
import { shopService } from "@wms/shop-service";
import { productService } from "@wms/product-service";
import { warehouseService } from "@wms/warehouse-service";
import { orderService } from "@wms/order-service";

const modules = [userService, shopService, productService, warehouseService, orderService] as ServiceModule[];

/** The module that implements a service of the mesh (each module carries its own name). */
export function serviceModule(name: ServiceName): ServiceModule {
  const module = modules.find((m) => m.name === name);
  if (!module) throw new Error(`no module implements the ${name} service`);
  return module;
}
