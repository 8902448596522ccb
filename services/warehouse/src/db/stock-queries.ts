import { and, asc, desc, eq, exists, inArray, lt, sql, type SQL } from "drizzle-orm";
import { anyOf, queryRows, type Database } from "@wms/db";
import { ON_HAND_MAX, type NewStockMovement, type Receipt, type StockLevel, type StockMovement } from "../domain/model.js";
import { receipts } from "./schema/receipts.js";
import { stockLevels } from "./schema/stock-levels.js";
import { stockMovements } from "./schema/stock-movements.js";
import { warehouses } from "./schema/warehouses.js";
import { reservationAllocations } from "./schema/reservation-allocations.js";
import { keyedRecords } from "./keyed-records.js";
import { toReceipt, toStockMovement } from "./rows.js";

/** The WHERE of one (warehouse, product) level. */
export const levelKey = (warehouseId: string, productId: string): SQL =>
  and(eq(stockLevels.warehouseId, warehouseId), eq(stockLevels.productId, productId)) as SQL;
const available = sql<number>`${stockLevels.onHand} - ${stockLevels.reserved}`;
const activeWarehouse = (db: Database, warehouseId: string) =>
  exists(
    db
      .select({ one: sql`1` })
      .from(warehouses)
      .where(and(eq(warehouses.warehouseId, warehouseId), eq(warehouses.status, "ACTIVE"))),
  );

/**
 * Queries on stock levels, receipts and the ledger. Every change of a level is one conditional
 * UPDATE: when its condition fails it changes nothing and reports false.
 */
export function stockQueries(db: Database) {
  // The columns of a StockLevel: the select answers the domain's shape as it is.
  const levelView = {
    warehouseId: stockLevels.warehouseId,
    productId: stockLevels.productId,
    onHand: stockLevels.onHand,
    reserved: stockLevels.reserved,
    warehouseStatus: warehouses.status,
  };
  const changed = (rows: unknown[]) => rows.length === 1;
  const receiptRecords = keyedRecords(db, receipts, [receipts.warehouseId, receipts.idempotencyKey], toReceipt);

  return {
    /** Claims the key; undefined when this warehouse already has a receipt with it. */
    insertReceipt: (receipt: Receipt): Promise<Receipt | undefined> => receiptRecords.claim(receipt),
    findReceipt: (warehouseId: string, idempotencyKey: string): Promise<Receipt | undefined> => receiptRecords.find(warehouseId, idempotencyKey),

    /**
     * on_hand += quantity, creating the level when the warehouse never held the product; false
     * (nothing changed) when the level would pass ON_HAND_MAX.
     */
    async addOnHand(warehouseId: string, productId: string, quantity: number): Promise<boolean> {
      const rows = await db
        .insert(stockLevels)
        .values({ warehouseId, productId, onHand: quantity, reserved: 0 })
        .onConflictDoUpdate({
          target: [stockLevels.warehouseId, stockLevels.productId],
          set: { onHand: sql`${stockLevels.onHand} + ${quantity}` },
          setWhere: sql`${stockLevels.onHand} + ${quantity} <= ${ON_HAND_MAX}`,
        })
        .returning({ warehouseId: stockLevels.warehouseId });
      return changed(rows);
    },

    async findLevel(warehouseId: string, productId: string): Promise<StockLevel | undefined> {
      const [row] = await db
        .select(levelView)
        .from(stockLevels)
        .innerJoin(warehouses, eq(warehouses.warehouseId, stockLevels.warehouseId))
        .where(levelKey(warehouseId, productId));
      return row;
    },

    /** A product's level in every warehouse, inactive ones included, by warehouse id. */
    async levelsOfProduct(productId: string): Promise<StockLevel[]> {
      return db
        .select(levelView)
        .from(stockLevels)
        .innerJoin(warehouses, eq(warehouses.warehouseId, stockLevels.warehouseId))
        .where(eq(stockLevels.productId, productId))
        .orderBy(asc(stockLevels.warehouseId));
    },

    /** Per product, available units over active warehouses; products without any are left out. */
    async availability(productIds: string[]): Promise<Map<string, number>> {
      if (productIds.length === 0) return new Map();
      const rows = await db
        .select({ productId: stockLevels.productId, total: sql<string>`sum(${available})` })
        .from(stockLevels)
        .innerJoin(warehouses, eq(warehouses.warehouseId, stockLevels.warehouseId))
        .where(and(anyOf(stockLevels.productId, productIds, "uuid"), eq(warehouses.status, "ACTIVE")))
        .groupBy(stockLevels.productId);
      return new Map(rows.map((r) => [r.productId, Number(r.total)]));
    },

    /** Row locks on a product's levels, always in warehouse-id order so two transfers never deadlock. */
    async lockLevels(productId: string, warehouseIds: string[]): Promise<void> {
      await db
        .select({ warehouseId: stockLevels.warehouseId })
        .from(stockLevels)
        .where(and(eq(stockLevels.productId, productId), inArray(stockLevels.warehouseId, warehouseIds)))
        .orderBy(asc(stockLevels.warehouseId))
        .for("update");
    },

    /** on_hand -= quantity, only out of available units (never reserved ones). */
    async takeAvailable(warehouseId: string, productId: string, quantity: number): Promise<boolean> {
      const rows = await db
        .update(stockLevels)
        .set({ onHand: sql`${stockLevels.onHand} - ${quantity}` })
        .where(and(levelKey(warehouseId, productId), sql`${available} >= ${quantity}`))
        .returning({ warehouseId: stockLevels.warehouseId });
      return changed(rows);
    },

    /**
     * reserved += quantity on each level, only out of available units of an active warehouse,
     * with the reservation's allocation and its RESERVE ledger row for each level changed: one
     * statement, one round trip. Answers the levels it changed; fewer than asked means some
     * units were gone, and the caller rolls the transaction back.
     */
    async reserveLevels(
      reservationId: string,
      levels: Array<{ warehouseId: string; productId: string; quantity: number; movementId: string }>,
      at: Date,
    ): Promise<Array<{ warehouseId: string; productId: string }>> {
      if (levels.length === 0) return [];
      const wanted = sql.join(
        levels.map((l) => sql`(${l.warehouseId}::uuid, ${l.productId}::uuid, ${l.quantity}::bigint, ${l.movementId}::uuid)`),
        sql`, `,
      );
      const createTime = at.toISOString();
      return queryRows(
        db,
        sql`WITH wanted (warehouse_id, product_id, quantity, movement_id) AS (VALUES ${wanted}),
            held AS (
              UPDATE ${stockLevels} AS l SET reserved = l.reserved + wanted.quantity
              FROM wanted, ${warehouses} AS w
              WHERE l.warehouse_id = wanted.warehouse_id AND l.product_id = wanted.product_id
                AND l.on_hand - l.reserved >= wanted.quantity
                AND w.warehouse_id = l.warehouse_id AND w.status = 'ACTIVE'
              RETURNING l.warehouse_id, l.product_id, wanted.quantity, wanted.movement_id
            ),
            allocated AS (
              INSERT INTO ${reservationAllocations} (reservation_id, product_id, warehouse_id, quantity)
              SELECT ${reservationId}::text, product_id, warehouse_id, quantity FROM held
            ),
            ledger AS (
              INSERT INTO ${stockMovements} (movement_id, warehouse_id, product_id, kind, quantity, reference_id, create_time)
              SELECT movement_id, warehouse_id, product_id, 'RESERVE', quantity, ${reservationId}::text, ${createTime}::timestamptz FROM held
            )
            SELECT warehouse_id AS "warehouseId", product_id AS "productId" FROM held`,
      );
    },

    /** on_hand -= quantity, reserved -= quantity: held units leave the warehouse. */
    async commitReserved(warehouseId: string, productId: string, quantity: number): Promise<boolean> {
      const rows = await db
        .update(stockLevels)
        .set({ onHand: sql`${stockLevels.onHand} - ${quantity}`, reserved: sql`${stockLevels.reserved} - ${quantity}` })
        .where(and(levelKey(warehouseId, productId), sql`${stockLevels.reserved} >= ${quantity}`))
        .returning({ warehouseId: stockLevels.warehouseId });
      return changed(rows);
    },

    /** reserved -= quantity: held units become available again. */
    async releaseReserved(warehouseId: string, productId: string, quantity: number): Promise<boolean> {
      const rows = await db
        .update(stockLevels)
        .set({ reserved: sql`${stockLevels.reserved} - ${quantity}` })
        .where(and(levelKey(warehouseId, productId), sql`${stockLevels.reserved} >= ${quantity}`))
        .returning({ warehouseId: stockLevels.warehouseId });
      return changed(rows);
    },

    async insertMovements(rows: NewStockMovement[]): Promise<void> {
      if (rows.length > 0) await db.insert(stockMovements).values(rows);
    },

    /** A warehouse's ledger, newest first, before `beforeId` when given. */
    async listMovements(filter: { warehouseId: string; productId?: string; beforeId?: string; limit: number }): Promise<StockMovement[]> {
      const conditions: SQL[] = [eq(stockMovements.warehouseId, filter.warehouseId)];
      if (filter.productId) conditions.push(eq(stockMovements.productId, filter.productId));
      if (filter.beforeId) conditions.push(lt(stockMovements.movementId, filter.beforeId));
      const rows = await db
        .select()
        .from(stockMovements)
        .where(and(...conditions))
        .orderBy(desc(stockMovements.movementId))
        .limit(filter.limit);
      return rows.map(toStockMovement);
    },
  };
}
