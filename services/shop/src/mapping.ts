import { toTimestamp } from "@wms/grpc";
import type { Shop as ShopMessage } from "@wms/proto/shop";
import type { Shop } from "./domain/index.js";

export function toShopMessage(shop: Shop): ShopMessage {
  return {
    shopId: shop.shopId,
    ownerUserId: shop.ownerUserId,
    name: shop.name,
    description: shop.description,
    createTime: toTimestamp(shop.createTime),
  };
}
