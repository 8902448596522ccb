import { toTimestamp } from "@wms/grpc";
import type { Product } from "@wms/proto/product";
import type { ProductView } from "./domain/products.js";

export function toProductMessage({ row, availableQuantity }: ProductView): Product {
  return {
    productId: row.productId,
    shopId: row.shopId,
    name: row.name,
    description: row.description,
    priceCents: row.priceCents,
    availableQuantity,
    createTime: toTimestamp(row.createTime),
  };
}
