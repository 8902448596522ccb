import { isId } from "@wms/db";
import { decodePageToken, nextPageToken, pageSize, type HandlersOf } from "@wms/grpc";
import { errors } from "@wms/errors";
import type { ShopServiceService } from "@wms/proto/shop";
import { type ShopsDomain } from "../domain/index.js";
import { toShopMessage } from "../mapping.js";

/** Anyone may list shops, optionally of one owner. */
export function listShops(shops: ShopsDomain): HandlersOf<typeof ShopServiceService>["listShops"] {
  return async (request) => {
    const limit = pageSize(request.pageSize);
    const afterId = decodePageToken(request.pageToken);
    if (request.ownerUserId !== "" && !isId(request.ownerUserId)) {
      throw errors.invalidArgument([{ field: "owner_user_id", reason: "INVALID_FORMAT", description: "must be a user id" }]);
    }
    const { rows, hasMore } = await shops.listShops({ ownerUserId: request.ownerUserId || undefined, afterId, limit });
    return { shops: rows.map(toShopMessage), nextPageToken: nextPageToken(rows, hasMore, (r) => r.shopId) };
  };
}
