import { sql } from "drizzle-orm";
import { bigint, check, foreignKey, index, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { warehouseSchema } from "./warehouse-schema.js";
import { stockLevels } from "./stock-levels.js";
import type { AdjustmentReason, StockMovementKind } from "../../domain/model.js";

/**
 * The ledger: every change of a stock level appends one row in the same transaction, so a
 * level always equals the sum of its rows. Quantities are positive and the kind gives the
 * sign, except ADJUSTMENT rows: their quantity is the signed change of on_hand (0 when a
 * count found what the books said), and they alone carry a reason and a note.
 */
export const stockMovements = warehouseSchema.table(
  "stock_movements",
  {
    movementId: uuid("movement_id").primaryKey(),
    warehouseId: uuid("warehouse_id").notNull(),
    productId: uuid("product_id").notNull(),
    kind: text("kind").$type<StockMovementKind>().notNull(),
    quantity: bigint("quantity", { mode: "number" }).notNull(),
    referenceId: text("reference_id").notNull(),
    adjustmentReason: text("adjustment_reason").$type<AdjustmentReason>(),
    note: text("note"),
    createTime: timestamp("create_time", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    foreignKey({
      name: "stock_movements_level_fk",
      columns: [t.warehouseId, t.productId],
      foreignColumns: [stockLevels.warehouseId, stockLevels.productId],
    }),
    index("stock_movements_warehouse_idx").on(t.warehouseId, t.movementId),
    index("stock_movements_warehouse_product_idx").on(t.warehouseId, t.productId, t.movementId),
    check("stock_movements_quantity_check", sql`${t.quantity} > 0 OR ${t.kind} = 'ADJUSTMENT'`),
    check(
      "stock_movements_kind_check",
      sql`${t.kind} in ('RECEIPT', 'TRANSFER_OUT', 'TRANSFER_IN', 'RESERVE', 'RELEASE', 'COMMIT', 'ADJUSTMENT')`,
    ),
    check("stock_movements_adjustment_check", sql`(${t.kind} = 'ADJUSTMENT') = (${t.adjustmentReason} IS NOT NULL)`),
  ],
);

export type StockMovementRow = typeof stockMovements.$inferSelect;
/** A row to append: the adjustment columns may be left out by every other kind. */
export type NewStockMovementRow = typeof stockMovements.$inferInsert;
