import type { HandlersOf } from "@wms/grpc";
import type { WarehouseServiceService } from "@wms/proto/warehouse";
import type { WarehouseDomain } from "../domain/index.js";
import { adjustmentReasonFromMessage, stockChangeFromMessage, toMovementMessage, toStockLevelMessage } from "../mapping.js";

/** The owner corrects a level by a delta or to a counted on_hand; idempotent by key. */
export function adjustStock(domain: WarehouseDomain): HandlersOf<typeof WarehouseServiceService>["adjustStock"] {
  return async (request, ctx) => {
    const caller = ctx.requireUser("seller");
    const { level, movement } = await domain.adjustments.adjustStock(caller.userId, {
      warehouseId: request.warehouseId,
      productId: request.productId,
      change: stockChangeFromMessage(request.change),
      reason: adjustmentReasonFromMessage(request.reason),
      note: request.note,
      idempotencyKey: request.idempotencyKey,
      deadline: ctx.deadline,
    });
    return { level: toStockLevelMessage(level), movement: toMovementMessage(movement) };
  };
}
