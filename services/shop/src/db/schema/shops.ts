import { index, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { shopSchema } from "./shop-schema.js";

export const shops = shopSchema.table(
  "shops",
  {
    shopId: uuid("shop_id").primaryKey(),
    ownerUserId: uuid("owner_user_id").notNull(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    createTime: timestamp("create_time", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("shops_owner_idx").on(t.ownerUserId, t.shopId)],
);

export type ShopRow = typeof shops.$inferSelect;
