import type { HandlersOf } from "@wms/grpc";
import type { WarehouseServiceService } from "@wms/proto/warehouse";
import type { WarehouseDomain } from "../domain/index.js";
import { toWarehouseMessage } from "../mapping.js";

/** The shop's owner (a seller) adds an active warehouse to it. */
export function createWarehouse(domain: WarehouseDomain): HandlersOf<typeof WarehouseServiceService>["createWarehouse"] {
  return async (request, ctx) => {
    const caller = ctx.requireUser("seller");
    const row = await domain.warehouses.createWarehouse(caller.userId, {
      shopId: request.shopId,
      name: request.name,
      location: request.location,
      deadline: ctx.deadline,
    });
    return { warehouse: toWarehouseMessage(row) };
  };
}
