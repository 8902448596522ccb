import type { HandlersOf } from "@wms/grpc";
import type { ProductServiceService } from "@wms/proto/product";
import type { ProductsDomain } from "../domain/index.js";
import { toProductMessage } from "../mapping.js";

/** The shop's owner renames, redescribes or reprices a product; empty fields are kept. */
export function updateProduct(products: ProductsDomain): HandlersOf<typeof ProductServiceService>["updateProduct"] {
  return async (request, ctx) => {
    const seller = ctx.requireUser("seller");
    const view = await products.updateProduct(seller.userId, {
      productId: request.productId,
      name: request.name,
      description: request.description,
      priceCents: request.priceCents,
      deadline: ctx.deadline,
    });
    return { product: toProductMessage(view) };
  };
}
