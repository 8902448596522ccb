import { sql } from "drizzle-orm";
import { bigint, check, integer, jsonb, primaryKey, uuid } from "drizzle-orm/pg-core";
import type { LineAllocation } from "../../domain/order.js";
import { orderSchema } from "./order-schema.js";
import { orders } from "./orders.js";

export const orderItems = orderSchema.table(
  "order_items",
  {
    orderId: uuid("order_id")
      .notNull()
      .references(() => orders.orderId, { onDelete: "cascade" }),
    productId: uuid("product_id").notNull(),
    /** The line's place in the checkout request (after merging duplicates). */
    position: integer("position").notNull(),
    quantity: bigint("quantity", { mode: "number" }).notNull(),
    /** The product's price when the order was placed. */
    unitPriceCents: bigint("unit_price_cents", { mode: "number" }).notNull(),
    /** Where the line's units are reserved: written once, when the warehouse answered. */
    allocations: jsonb("allocations").$type<LineAllocation[]>().notNull().default([]),
  },
  (t) => [
    primaryKey({ name: "order_items_pk", columns: [t.orderId, t.productId] }),
    check("order_items_quantity_check", sql`${t.quantity} > 0`),
    check("order_items_price_check", sql`${t.unitPriceCents} >= 0`),
  ],
);

export type OrderItemRow = typeof orderItems.$inferSelect;
