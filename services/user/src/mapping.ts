import { toTimestamp } from "@wms/grpc";
import { Role, type User } from "@wms/proto/user";
import type { Shop } from "@wms/proto/shop";
import type { CreatedShop, User as UserModel } from "./domain/index.js";

const roleToMessage = { buyer: Role.ROLE_BUYER, seller: Role.ROLE_SELLER } as const;

export function toUserMessage(user: UserModel): User {
  return {
    userId: user.userId,
    email: user.email ?? "",
    phone: user.phone ?? "",
    role: roleToMessage[user.role],
    createTime: toTimestamp(user.createTime),
  };
}

export function toShopMessage(shop: CreatedShop): Shop {
  return { ...shop, createTime: toTimestamp(shop.createTime) };
}
