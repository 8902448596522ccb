import { sql } from "drizzle-orm";
import { bigint, check, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { warehouseSchema } from "./warehouse-schema.js";
import type { AdjustmentReason } from "../../domain/model.js";
import { warehouses } from "./warehouses.js";

/**
 * One row per AdjustStock request, as asked (a delta or a counted quantity): the unique key
 * makes a replay change nothing twice, and the request kept here is what a replay is compared
 * with. The change actually applied is the ledger row `movement_id` (written in the same
 * transaction; no foreign key, since this row is written first to claim the key).
 */
export const adjustments = warehouseSchema.table(
  "adjustments",
  {
    adjustmentId: uuid("adjustment_id").primaryKey(),
    warehouseId: uuid("warehouse_id")
      .notNull()
      .references(() => warehouses.warehouseId),
    productId: uuid("product_id").notNull(),
    delta: bigint("delta", { mode: "number" }),
    countedOnHand: bigint("counted_on_hand", { mode: "number" }),
    reason: text("reason").$type<AdjustmentReason>().notNull(),
    note: text("note").notNull(),
    idempotencyKey: text("idempotency_key").notNull(),
    movementId: uuid("movement_id").notNull(),
    createTime: timestamp("create_time", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique("adjustments_warehouse_key").on(t.warehouseId, t.idempotencyKey),
    check("adjustments_change_check", sql`(${t.delta} IS NULL) <> (${t.countedOnHand} IS NULL)`),
    check("adjustments_reason_check", sql`${t.reason} in ('DAMAGED', 'LOST', 'FOUND', 'COUNT_CORRECTION', 'RETURNED')`),
  ],
);

export type AdjustmentRow = typeof adjustments.$inferSelect;
