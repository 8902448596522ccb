import type { HandlersOf } from "@wms/grpc";
import { errors } from "@wms/errors";
import type { ProductServiceService } from "@wms/proto/product";
import type { ProductsDomain } from "../domain/index.js";
import type { ShopOwners } from "../peers/shop-owners.js";
import { toProductMessage } from "../mapping.js";

/** The shop's owner adds a product; it starts with no stock (stock is the warehouse's). */
export function createProduct(products: ProductsDomain, owners: ShopOwners): HandlersOf<typeof ProductServiceService>["createProduct"] {
  return async (request, ctx) => {
    const seller = ctx.requireUser("seller");
    if (request.shopId === "") throw errors.invalidArgument([{ field: "shop_id", reason: "REQUIRED", description: "must not be empty" }]);
    // Ownership before field checks: a stranger learns nothing about what a valid request is.
    const owner = await owners.ownerOf(request.shopId, { deadline: ctx.deadline });
    if (owner !== seller.userId) throw errors.permissionDenied("NOT_SHOP_OWNER", "only the shop's owner may add products to it", { shopId: request.shopId });
    const product = await products.createProduct({
      shopId: request.shopId.toLowerCase(),
      name: request.name,
      description: request.description,
      priceCents: request.priceCents,
    });
    return { product: toProductMessage({ product, availableQuantity: 0 }) };
  };
}
