import { bigint, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { warehouseSchema } from "./warehouse-schema.js";
import { warehouses } from "./warehouses.js";

/** One row per AddStock request: the unique key makes a replay add nothing twice. */
export const receipts = warehouseSchema.table(
  "receipts",
  {
    receiptId: uuid("receipt_id").primaryKey(),
    warehouseId: uuid("warehouse_id")
      .notNull()
      .references(() => warehouses.warehouseId),
    productId: uuid("product_id").notNull(),
    quantity: bigint("quantity", { mode: "number" }).notNull(),
    idempotencyKey: text("idempotency_key").notNull(),
    createTime: timestamp("create_time", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique("receipts_warehouse_key").on(t.warehouseId, t.idempotencyKey)],
);

export type ReceiptRow = typeof receipts.$inferSelect;
