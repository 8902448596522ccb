import { and, eq, sql } from "drizzle-orm";
import type { Database } from "@wms/db";
import { ON_HAND_MAX, type Adjustment, type StockMovement } from "../domain/model.js";
import { adjustments } from "./schema/adjustments.js";
import { stockLevels } from "./schema/stock-levels.js";
import { stockMovements } from "./schema/stock-movements.js";
import { keyedRecords } from "./keyed-records.js";
import { toAdjustment, toStockMovement } from "./rows.js";
import { levelKey } from "./stock-queries.js";

/** Queries of AdjustStock: its idempotency record and the one level it corrects. */
export function adjustmentQueries(db: Database) {
  const records = keyedRecords(db, adjustments, [adjustments.warehouseId, adjustments.idempotencyKey], toAdjustment);
  return {
    /** Claims the key; undefined when this warehouse already has an adjustment with it. */
    insertAdjustment: (adjustment: Adjustment): Promise<Adjustment | undefined> => records.claim(adjustment),
    findAdjustment: (warehouseId: string, idempotencyKey: string): Promise<Adjustment | undefined> => records.find(warehouseId, idempotencyKey),

    /**
     * The level under a FOR UPDATE row lock kept until the transaction ends, created empty
     * when the warehouse never held the product: what a count is compared with cannot
     * change before the correction is written.
     */
    async lockLevelForChange(warehouseId: string, productId: string): Promise<{ onHand: number; reserved: number }> {
      await db.insert(stockLevels).values({ warehouseId, productId, onHand: 0, reserved: 0 }).onConflictDoNothing();
      const [row] = await db
        .select({ onHand: stockLevels.onHand, reserved: stockLevels.reserved })
        .from(stockLevels)
        .where(levelKey(warehouseId, productId))
        .for("update");
      if (!row) throw new Error("the level just ensured is gone");
      return row;
    },

    /**
     * on_hand += delta (either sign), only while the result stays within reserved..ON_HAND_MAX:
     * the guarantee that a correction never takes away units held for buyers.
     */
    async changeOnHand(warehouseId: string, productId: string, delta: number): Promise<boolean> {
      const result = sql`${stockLevels.onHand} + ${delta}`;
      const rows = await db
        .update(stockLevels)
        .set({ onHand: result })
        .where(and(levelKey(warehouseId, productId), sql`${result} >= ${stockLevels.reserved}`, sql`${result} <= ${ON_HAND_MAX}`))
        .returning({ warehouseId: stockLevels.warehouseId });
      return rows.length === 1;
    },

    async findMovement(movementId: string): Promise<StockMovement | undefined> {
      const [row] = await db.select().from(stockMovements).where(eq(stockMovements.movementId, movementId)).limit(1);
      return row && toStockMovement(row);
    },
  };
}
