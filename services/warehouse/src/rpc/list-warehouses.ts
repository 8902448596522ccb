import { decodePageToken, nextPageToken, pageSize, type HandlersOf } from "@wms/grpc";
import type { WarehouseServiceService } from "@wms/proto/warehouse";
import type { WarehouseDomain } from "../domain/index.js";
import { toWarehouseMessage } from "../mapping.js";

/** The owner pages through a shop's warehouses, oldest first. */
export function listWarehouses(domain: WarehouseDomain): HandlersOf<typeof WarehouseServiceService>["listWarehouses"] {
  return async (request, ctx) => {
    const caller = ctx.requireUser("seller");
    const limit = pageSize(request.pageSize);
    const afterId = decodePageToken(request.pageToken);
    const { rows, hasMore } = await domain.warehouses.listWarehouses(caller.userId, { shopId: request.shopId, afterId, limit, deadline: ctx.deadline });
    return { warehouses: rows.map(toWarehouseMessage), nextPageToken: nextPageToken(rows, hasMore, (r) => r.warehouseId) };
  };
}
