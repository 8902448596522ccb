import { sql } from "drizzle-orm";
import { bigint, check, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { warehouseSchema } from "./warehouse-schema.js";
import { warehouses } from "./warehouses.js";

/**
 * A transfer between two warehouses. The idempotency key is scoped to the user who asked, so
 * two sellers choosing the same key never see each other's transfers.
 */
export const transfers = warehouseSchema.table(
  "transfers",
  {
    transferId: uuid("transfer_id").primaryKey(),
    fromWarehouseId: uuid("from_warehouse_id")
      .notNull()
      .references(() => warehouses.warehouseId),
    toWarehouseId: uuid("to_warehouse_id")
      .notNull()
      .references(() => warehouses.warehouseId),
    productId: uuid("product_id").notNull(),
    quantity: bigint("quantity", { mode: "number" }).notNull(),
    requestedBy: uuid("requested_by").notNull(),
    idempotencyKey: text("idempotency_key").notNull(),
    createTime: timestamp("create_time", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique("transfers_requester_key").on(t.requestedBy, t.idempotencyKey),
    check("transfers_distinct_check", sql`${t.fromWarehouseId} <> ${t.toWarehouseId}`),
    check("transfers_quantity_check", sql`${t.quantity} > 0`),
  ],
);

export type TransferRow = typeof transfers.$inferSelect;
