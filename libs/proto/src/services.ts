import { UserServiceService } from "./gen/wms/user/v1/user.js";
import { ShopServiceService } from "./gen/wms/shop/v1/shop.js";
import { ProductServiceService } from "./gen/wms/product/v1/product.js";
import { WarehouseServiceService } from "./gen/wms/warehouse/v1/warehouse.js";
import { OrderServiceService } from "./gen/wms/order/v1/order.js";

/**
 * The five services of the mesh, in start order: the one place they are listed. Config (peer
 * addresses, ports), peer clients, reflection, the gateway's upstreams and the test harness
 * all read this table.
 */
export const meshServices = {
  user: { definition: UserServiceService, defaultPort: 50051 },
  shop: { definition: ShopServiceService, defaultPort: 50052 },
  product: { definition: ProductServiceService, defaultPort: 50053 },
  warehouse: { definition: WarehouseServiceService, defaultPort: 50054 },
  order: { definition: OrderServiceService, defaultPort: 50055 },
} as const;

export type ServiceName = keyof typeof meshServices;
export type ServiceDefinitionOf<N extends ServiceName> = (typeof meshServices)[N]["definition"];

/** The names, in start order. */
export const serviceNames = Object.keys(meshServices) as ServiceName[];

export function isServiceName(name: string): name is ServiceName {
  return Object.hasOwn(meshServices, name);
}

/** A generated service's fully qualified name (e.g. wms.user.v1.UserService), from its method paths. */
export function fullServiceName(definition: Record<string, { path: string }>): string {
  const [method] = Object.values(definition);
  const name = method?.path.split("/")[1];
  if (!name) throw new Error("a service definition without methods has no name");
  return name;
}

/** Each service's fully qualified name (health, reflection and the gateway's routes use it). */
export const fullServiceNames = Object.fromEntries(
  serviceNames.map((name) => [name, fullServiceName(meshServices[name].definition)]),
) as Record<ServiceName, string>;
