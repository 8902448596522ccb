import type { HandlersOf } from "@wms/grpc";
import type { WarehouseServiceService } from "@wms/proto/warehouse";
import type { WarehouseDomain } from "../domain/index.js";
import { toWarehouseMessage } from "../mapping.js";

/** The owner renames or relocates a warehouse; empty fields are left as they are. */
export function updateWarehouse(domain: WarehouseDomain): HandlersOf<typeof WarehouseServiceService>["updateWarehouse"] {
  return async (request, ctx) => {
    const caller = ctx.requireUser("seller");
    const row = await domain.warehouses.updateWarehouse(caller.userId, {
      warehouseId: request.warehouseId,
      name: request.name,
      location: request.location,
      deadline: ctx.deadline,
    });
    return { warehouse: toWarehouseMessage(row) };
  };
}
