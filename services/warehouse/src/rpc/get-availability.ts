import type { HandlersOf } from "@wms/grpc";
import type { WarehouseServiceService } from "@wms/proto/warehouse";
import type { WarehouseDomain } from "../domain/index.js";

/** Anyone, signed in or not: available units over active warehouses, at most 500 ids. */
export function getAvailability(domain: WarehouseDomain): HandlersOf<typeof WarehouseServiceService>["getAvailability"] {
  return async (request) => ({ items: await domain.stock.getAvailability(request.productIds) });
}
