import { decodePageToken, nextPageToken, pageSize, type HandlersOf } from "@wms/grpc";
import type { WarehouseServiceService } from "@wms/proto/warehouse";
import type { WarehouseDomain } from "../domain/index.js";
import { toMovementMessage } from "../mapping.js";

/** The owner pages through a warehouse's ledger, newest first, optionally of one product. */
export function listStockMovements(domain: WarehouseDomain): HandlersOf<typeof WarehouseServiceService>["listStockMovements"] {
  return async (request, ctx) => {
    const caller = ctx.requireUser("seller");
    const limit = pageSize(request.pageSize);
    const beforeId = decodePageToken(request.pageToken);
    const { rows, hasMore } = await domain.stock.listStockMovements(caller.userId, {
      warehouseId: request.warehouseId,
      productId: request.productId,
      beforeId,
      limit,
      deadline: ctx.deadline,
    });
    return { movements: rows.map(toMovementMessage), nextPageToken: nextPageToken(rows, hasMore, (r) => r.movementId) };
  };
}
