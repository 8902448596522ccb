import { sql } from "drizzle-orm";
import { bigint, check, index, primaryKey, uuid } from "drizzle-orm/pg-core";
import { warehouseSchema } from "./warehouse-schema.js";
import { ON_HAND_MAX } from "../../domain/model.js";
import { warehouses } from "./warehouses.js";

/**
 * One row per (warehouse, product). The check constraint is the last line of defence of the
 * no-oversell guarantee: whatever the code does, reserved never exceeds on_hand. The bound on
 * on_hand keeps every sum of levels far inside exact JavaScript numbers.
 */
export const stockLevels = warehouseSchema.table(
  "stock_levels",
  {
    warehouseId: uuid("warehouse_id")
      .notNull()
      .references(() => warehouses.warehouseId),
    productId: uuid("product_id").notNull(),
    onHand: bigint("on_hand", { mode: "number" }).notNull().default(0),
    reserved: bigint("reserved", { mode: "number" }).notNull().default(0),
  },
  (t) => [
    primaryKey({ name: "stock_levels_pkey", columns: [t.warehouseId, t.productId] }),
    index("stock_levels_product_idx").on(t.productId),
    check("stock_levels_quantities_check", sql`${t.reserved} >= 0 AND ${t.reserved} <= ${t.onHand}`),
    check("stock_levels_on_hand_max_check", sql`${t.onHand} <= ${sql.raw(String(ON_HAND_MAX))}`),
  ],
);

export type StockLevelRow = typeof stockLevels.$inferSelect;
