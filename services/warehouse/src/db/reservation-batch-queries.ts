import { sql } from "drizzle-orm";
import { anyOf, newId, queryRows, type Database } from "@wms/db";
import type { ReservationAllocation, ReservationRecord, SettleOutcome } from "../domain/reservation-model.js";
import { reservations } from "./schema/reservations.js";
import { reservationAllocations } from "./schema/reservation-allocations.js";
import { stockLevels } from "./schema/stock-levels.js";
import { stockMovements } from "./schema/stock-movements.js";
import { warehouses } from "./schema/warehouses.js";
import { toReservationRecord } from "./rows.js";

/**
 * Set-based statements over many reservations at once: a batch of reservations made under one
 * SKU lock, and the settlement (commit or release) of many. Rows travel as arrays (`unnest`),
 * so a statement's text and parameter count do not grow with the batch.
 */
export function reservationBatchQueries(db: Database) {
  /** The allocations as parallel arrays, each with a fresh ledger id (time-ordered, as the ledger pages by it). */
  const columns = (allocations: ReservationAllocation[]) =>
    sql`unnest(
      ${sql.param(allocations.map((a) => a.reservationId))}::text[],
      ${sql.param(allocations.map((a) => a.warehouseId))}::uuid[],
      ${sql.param(allocations.map((a) => a.productId))}::uuid[],
      ${sql.param(allocations.map((a) => a.quantity))}::bigint[],
      ${sql.param(allocations.map(() => newId()))}::uuid[]
    ) AS a (reservation_id, warehouse_id, product_id, quantity, movement_id)`;
  /**
   * The levels the allocations touch with their summed quantities, row-locked in one fixed order
   * (product, warehouse: the order every other writer of levels uses), so concurrent batches and
   * settlements never deadlock whatever plan the UPDATE gets.
   */
  const perLevel = sql`per_level AS (
      SELECT warehouse_id, product_id, sum(quantity)::bigint AS quantity FROM wanted GROUP BY warehouse_id, product_id
    ),
    locked AS (
      SELECT l.warehouse_id, l.product_id FROM ${stockLevels} AS l
      JOIN per_level AS p ON p.warehouse_id = l.warehouse_id AND p.product_id = l.product_id
      ORDER BY l.product_id, l.warehouse_id
      FOR UPDATE OF l
    )`;

  return {
    /** Inserts every reservation whose id is new; answers those it inserted (the others exist already). */
    async insertReservations(records: ReservationRecord[]): Promise<ReservationRecord[]> {
      if (records.length === 0) return [];
      const rows = await db.insert(reservations).values(records).onConflictDoNothing({ target: reservations.reservationId }).returning();
      return rows.map(toReservationRecord);
    },

    /** Takes back reservations inserted earlier in this transaction that could not be served. */
    async deleteReservations(reservationIds: string[]): Promise<void> {
      if (reservationIds.length > 0) await db.delete(reservations).where(anyOf(reservations.reservationId, reservationIds, "text"));
    },

    /**
     * Holds a whole batch in one statement: reserved += the summed quantity on each level, only
     * out of available units of an active warehouse (the conditional update is the guarantee
     * against overselling), with every allocation and its RESERVE ledger row. Answers how many
     * levels it changed; fewer than the distinct levels asked for means units were gone, and the
     * caller rolls the transaction back.
     */
    async reserveAllocations(allocations: ReservationAllocation[], at: Date): Promise<number> {
      if (allocations.length === 0) return 0;
      const [result] = await queryRows<{ levels: number }>(
        db,
        sql`WITH wanted AS (SELECT * FROM ${columns(allocations)}),
            ${perLevel},
            held AS (
              UPDATE ${stockLevels} AS l SET reserved = l.reserved + p.quantity
              FROM per_level AS p, locked AS k, ${warehouses} AS w
              WHERE l.warehouse_id = p.warehouse_id AND l.product_id = p.product_id
                AND k.warehouse_id = l.warehouse_id AND k.product_id = l.product_id
                AND l.on_hand - l.reserved >= p.quantity
                AND w.warehouse_id = l.warehouse_id AND w.status = 'ACTIVE'
              RETURNING l.warehouse_id, l.product_id
            ),
            allocated AS (
              INSERT INTO ${reservationAllocations} (reservation_id, product_id, warehouse_id, quantity)
              SELECT a.reservation_id, a.product_id, a.warehouse_id, a.quantity
              FROM wanted AS a JOIN held AS h ON h.warehouse_id = a.warehouse_id AND h.product_id = a.product_id
            ),
            ledger AS (
              INSERT INTO ${stockMovements} (movement_id, warehouse_id, product_id, kind, quantity, reference_id, create_time)
              SELECT a.movement_id, a.warehouse_id, a.product_id, 'RESERVE', a.quantity, a.reservation_id, ${at.toISOString()}::timestamptz
              FROM wanted AS a JOIN held AS h ON h.warehouse_id = a.warehouse_id AND h.product_id = a.product_id
            )
            SELECT count(*)::int AS levels FROM held`,
      );
      return Number(result?.levels ?? 0);
    },

    /**
     * Settles the held units of many allocations in one statement: reserved -= the summed
     * quantity on each level, and on COMMIT on_hand too (the units ship), only where the level
     * holds that many reserved units; one ledger row per allocation. Answers how many levels it
     * changed (fewer than the distinct levels given means a broken invariant).
     */
    async settleAllocations(allocations: ReservationAllocation[], outcome: SettleOutcome, at: Date): Promise<number> {
      if (allocations.length === 0) return 0;
      const shipped = outcome === "COMMIT" ? sql`p.quantity` : sql`0`;
      const [result] = await queryRows<{ levels: number }>(
        db,
        sql`WITH wanted AS (SELECT * FROM ${columns(allocations)}),
            ${perLevel},
            settled AS (
              UPDATE ${stockLevels} AS l SET reserved = l.reserved - p.quantity, on_hand = l.on_hand - ${shipped}
              FROM per_level AS p, locked AS k
              WHERE l.warehouse_id = p.warehouse_id AND l.product_id = p.product_id
                AND k.warehouse_id = l.warehouse_id AND k.product_id = l.product_id
                AND l.reserved >= p.quantity
              RETURNING l.warehouse_id, l.product_id
            ),
            ledger AS (
              INSERT INTO ${stockMovements} (movement_id, warehouse_id, product_id, kind, quantity, reference_id, create_time)
              SELECT a.movement_id, a.warehouse_id, a.product_id, ${outcome}::text, a.quantity, a.reservation_id, ${at.toISOString()}::timestamptz
              FROM wanted AS a JOIN settled AS s ON s.warehouse_id = a.warehouse_id AND s.product_id = a.product_id
            )
            SELECT count(*)::int AS levels FROM settled`,
      );
      return Number(result?.levels ?? 0);
    },
  };
}
