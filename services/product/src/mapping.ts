import { toTimestamp } from "@wms/grpc";
import type { Product as ProductMessage } from "@wms/proto/product";
import type { ProductView } from "./domain/index.js";

export function toProductMessage({ product, availableQuantity }: ProductView): ProductMessage {
  return {
    productId: product.productId,
    shopId: product.shopId,
    name: product.name,
    description: product.description,
    priceCents: product.priceCents,
    availableQuantity,
    createTime: toTimestamp(product.createTime),
  };
}
