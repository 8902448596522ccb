import { toTimestamp } from "@wms/grpc";
import { Role, type User } from "@wms/proto/user";
import type { UserRow } from "./db/schema/users.js";

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
