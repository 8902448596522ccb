import type { HandlersOf } from "@wms/grpc";
import type { WarehouseServiceService } from "@wms/proto/warehouse";
import type { WarehouseDomain } from "../domain/index.js";
import { toWarehouseMessage, warehouseStatusFromMessage } from "../mapping.js";

/** The owner activates or deactivates a warehouse (UNSPECIFIED is INVALID_ARGUMENT). */
export function setWarehouseStatus(domain: WarehouseDomain): HandlersOf<typeof WarehouseServiceService>["setWarehouseStatus"] {
  return async (request, ctx) => {
    const caller = ctx.requireUser("seller");
    const row = await domain.warehouses.setWarehouseStatus(caller.userId, {
      warehouseId: request.warehouseId,
      status: warehouseStatusFromMessage(request.status),
      deadline: ctx.deadline,
    });
    return { warehouse: toWarehouseMessage(row) };
  };
}
