import { sql } from "drizzle-orm";
import { bigint, check, index, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { productSchema } from "./product-schema.js";

export const products = productSchema.table(
  "products",
  {
    productId: uuid("product_id").primaryKey(),
    shopId: uuid("shop_id").notNull(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    // Minor units; "number" mode is exact below 2^53 and the domain caps prices far lower.
    priceCents: bigint("price_cents", { mode: "number" }).notNull(),
    createTime: timestamp("create_time", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // Lists of one shop page by id within the shop.
    index("products_shop_idx").on(t.shopId, t.productId),
    // One name per shop regardless of case: a double-submitted form cannot create twins.
    uniqueIndex("products_shop_name_key").on(t.shopId, sql`lower(${t.name})`),
    check("products_price_positive", sql`${t.priceCents} > 0`),
  ],
);

export type ProductRow = typeof products.$inferSelect;
