import type { HandlersOf } from "@wms/grpc";
import type { ProductServiceService } from "@wms/proto/product";
import type { ProductsDomain } from "../domain/index.js";
import { toProductMessage } from "../mapping.js";

/** Internal (the order service reads prices): services only, end-user tokens are refused. */
export function batchGetProducts(products: ProductsDomain): HandlersOf<typeof ProductServiceService>["batchGetProducts"] {
  return async (request, ctx) => {
    ctx.requireService();
    const views = await products.batchGetProducts(request.productIds, {
      includeAvailability: request.includeAvailability,
      deadline: ctx.deadline,
    });
    return { products: views.map(toProductMessage) };
  };
}
