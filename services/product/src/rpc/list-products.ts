import { isId } from "@wms/db";
import { decodePageToken, nextPageToken, pageSize, type HandlersOf } from "@wms/grpc";
import { Validator } from "@wms/errors";
import type { ProductServiceService } from "@wms/proto/product";
import { type ProductsDomain } from "../domain/index.js";
import { toProductMessage } from "../mapping.js";

/** Anyone may page through products, optionally of one shop. */
export function listProducts(products: ProductsDomain): HandlersOf<typeof ProductServiceService>["listProducts"] {
  return async (request, ctx) => {
    const limit = pageSize(request.pageSize);
    const afterId = decodePageToken(request.pageToken);
    new Validator().check(request.shopId === "" || isId(request.shopId), "shop_id", "INVALID_FORMAT", "must be a shop id").throwIfInvalid();
    const page = await products.listProducts({ shopId: request.shopId || undefined, afterId, limit, deadline: ctx.deadline });
    return {
      products: page.products.map(toProductMessage),
      nextPageToken: nextPageToken(page.products, page.hasMore, (p) => p.product.productId),
    };
  };
}
