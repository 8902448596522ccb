import type { HandlersOf } from "@wms/grpc";
import type { WarehouseServiceService } from "@wms/proto/warehouse";
import type { WarehouseDomain } from "../domain/index.js";
import { toWarehouseMessage } from "../mapping.js";

/** The owner reads one of their warehouses. */
export function getWarehouse(domain: WarehouseDomain): HandlersOf<typeof WarehouseServiceService>["getWarehouse"] {
  return async (request, ctx) => {
    const caller = ctx.requireUser("seller");
    return { warehouse: toWarehouseMessage(await domain.warehouses.getWarehouse(caller.userId, request.warehouseId, { deadline: ctx.deadline })) };
  };
}
