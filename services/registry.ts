import type { ServiceModule, ServiceName } from "@wms/service";
import { userService } from "@wms/user-service";
import { shopService } from "@wms/shop-service";
import { productService } from "@wms/product-service";
import { warehouseService } from "@wms/warehouse-service";
import { orderService } from "@wms/order-service";

/** Every service of the mesh, in start order (peers are called lazily, so order is for logs only). */
export const serviceModules: Record<ServiceName, ServiceModule> = {
  user: userService as ServiceModule,
  shop: shopService as ServiceModule,
  product: productService as ServiceModule,
  warehouse: warehouseService as ServiceModule,
  order: orderService as ServiceModule,
};
