import { fromTimestamp, toTimestamp } from "@wms/grpc";
import { Role, type User } from "@wms/proto/user";
import type { Shop } from "@wms/proto/shop";
import type { UserRow } from "./db/schema/users.js";
import type { CreatedShop } from "./domain/users.js";

const roleToMessage = { buyer: Role.ROLE_BUYER, seller: Role.ROLE_SELLER } as const;

export function toUserMessage(row: UserRow): User {
  return {
    userId: row.userId,
    email: row.email ?? "",
    phone: row.phone ?? "",
    role: roleToMessage[row.role],
    createTime: toTimestamp(row.createTime),
  };
}

export function createdShopFromMessage(shop: Shop): CreatedShop {
  return {
    shopId: shop.shopId,
    ownerUserId: shop.ownerUserId,
    name: shop.name,
    description: shop.description,
    createTime: shop.createTime ? fromTimestamp(shop.createTime) : new Date(0),
  };
}

export function toShopMessage(shop: CreatedShop): Shop {
  return { ...shop, createTime: toTimestamp(shop.createTime) };
}
