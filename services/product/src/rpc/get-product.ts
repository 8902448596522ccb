import type { HandlersOf } from "@wms/grpc";
import type { ProductServiceService } from "@wms/proto/product";
import type { ProductsDomain } from "../domain/index.js";
import { toProductMessage } from "../mapping.js";

/** Anyone may read a product, with what is available of it in active warehouses. */
export function getProduct(products: ProductsDomain): HandlersOf<typeof ProductServiceService>["getProduct"] {
  return async (request, ctx) => ({
    product: toProductMessage(await products.getProduct(request.productId, { deadline: ctx.deadline })),
  });
}
