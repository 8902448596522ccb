import type { HandlersOf } from "@wms/grpc";
import type { WarehouseServiceService } from "@wms/proto/warehouse";
import type { WarehouseDomain } from "../domain/index.js";
import { toStockLevelMessage } from "../mapping.js";

/** The owner of both the warehouse and the product receives units; idempotent by key. */
export function addStock(domain: WarehouseDomain): HandlersOf<typeof WarehouseServiceService>["addStock"] {
  return async (request, ctx) => {
    const caller = ctx.requireUser("seller");
    const level = await domain.stock.addStock(caller.userId, {
      warehouseId: request.warehouseId,
      productId: request.productId,
      quantity: request.quantity,
      idempotencyKey: request.idempotencyKey,
      deadline: ctx.deadline,
    });
    return { level: toStockLevelMessage(level) };
  };
}
