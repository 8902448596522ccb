import type { HandlersOf } from "@wms/grpc";
import type { WarehouseServiceService } from "@wms/proto/warehouse";
import type { WarehouseDomain } from "../domain/index.js";
import { toStockLevelMessage } from "../mapping.js";

/** The product's owner sees its level in every warehouse, inactive ones included. */
export function listStockLevels(domain: WarehouseDomain): HandlersOf<typeof WarehouseServiceService>["listStockLevels"] {
  return async (request, ctx) => {
    const caller = ctx.requireUser("seller");
    const levels = await domain.stock.listStockLevels(caller.userId, request.productId, { deadline: ctx.deadline });
    return { levels: levels.map(toStockLevelMessage) };
  };
}
