import { toTimestamp } from "@wms/grpc";
import type { Shop } from "@wms/proto/shop";
import type { ShopRow } from "./db/schema/shops.js";

export function toShopMessage(row: ShopRow): Shop {
  return {
    shopId: row.shopId,
    ownerUserId: row.ownerUserId,
    name: row.name,
    description: row.description,
    createTime: toTimestamp(row.createTime),
  };
}
