import type { HandlersOf } from "@wms/grpc";
import type { WarehouseServiceService } from "@wms/proto/warehouse";
import type { WarehouseDomain } from "../domain/index.js";
import { toTransferMessage } from "../mapping.js";

/** The owner of both warehouses moves available units between them; idempotent by key. */
export function transferStock(domain: WarehouseDomain): HandlersOf<typeof WarehouseServiceService>["transferStock"] {
  return async (request, ctx) => {
    const caller = ctx.requireUser("seller");
    const row = await domain.transfers.transferStock(caller.userId, {
      fromWarehouseId: request.fromWarehouseId,
      toWarehouseId: request.toWarehouseId,
      productId: request.productId,
      quantity: request.quantity,
      idempotencyKey: request.idempotencyKey,
      deadline: ctx.deadline,
    });
    return { transfer: toTransferMessage(row) };
  };
}
