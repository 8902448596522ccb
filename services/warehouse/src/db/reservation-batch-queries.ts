import { sql } from "drizzle-orm";
import { anyOf, newId, pgErrorCode, queryRows, type Database } from "@wms/db";
import type { AvailableLevel } from "../domain/model.js";
import type { ReservationAllocation, ReservationRecord, SettleOutcome } from "../domain/reservation-model.js";
import { reservations } from "./schema/reservations.js";
import { reservationAllocations } from "./schema/reservation-allocations.js";
import { stockLevels } from "./schema/stock-levels.js";
import { stockMovements } from "./schema/stock-movements.js";
import { warehouses } from "./schema/warehouses.js";
import { toReservationRecord } from "./rows.js";

/** A row of the planning reads: a level (reservation_id NULL) or an existing reservation's id. */
interface PlanningRow {
  reservation_id: string | null;
  warehouse_id: string | null;
  product_id: string | null;
  available: string | null;
}

/** SQLSTATE raised by `warehouse.all_or_nothing` (migration 0002). */
const BATCH_RACED = "WR001";

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

  /**
   * `held`: reserved += the summed quantity on each level of `per_level`, only out of available
   * units of an active warehouse; then every allocation of `wanted` on a held level, and its
   * RESERVE ledger row.
   */
  const holdAndRecord = (at: Date) => sql`held AS (
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
    )`;

  /** The levels of active warehouses with units available: what a reservation may use. */
  const usableLevels = (productIds: string[]) =>
    sql`SELECT NULL::text AS reservation_id, l.warehouse_id, l.product_id, (l.on_hand - l.reserved)::text AS available
        FROM ${stockLevels} AS l JOIN ${warehouses} AS w ON w.warehouse_id = l.warehouse_id
        WHERE l.product_id = ANY(${sql.param(productIds)}::uuid[]) AND w.status = 'ACTIVE' AND l.on_hand - l.reserved > 0`;
  const toLevel = (row: PlanningRow): AvailableLevel => ({ warehouseId: row.warehouse_id!, productId: row.product_id!, available: Number(row.available) });

  return {
    /** Levels of active warehouses with something available: what a reservation may use. */
    async activeAvailableLevels(productIds: string[]): Promise<AvailableLevel[]> {
      if (productIds.length === 0) return [];
      return (await queryRows<PlanningRow>(db, usableLevels(productIds))).map(toLevel);
    },

    /**
     * What a batch of reservations is planned against, in one round trip: which of the ids
     * exist already (replays), and the levels a reservation may use.
     */
    async readForReserve(reservationIds: string[], productIds: string[]): Promise<{ existing: string[]; levels: AvailableLevel[] }> {
      const rows = await queryRows<PlanningRow>(
        db,
        sql`${usableLevels(productIds)}
            UNION ALL
            SELECT r.reservation_id, NULL, NULL, NULL FROM ${reservations} AS r WHERE r.reservation_id = ANY(${sql.param(reservationIds)}::text[])`,
      );
      const existing: string[] = [];
      const levels: AvailableLevel[] = [];
      for (const row of rows) {
        if (row.reservation_id !== null) existing.push(row.reservation_id);
        else levels.push(toLevel(row));
      }
      return { existing, levels };
    },

    /**
     * Writes a planned batch in ONE statement, all or nothing without BEGIN and COMMIT: the
     * reservations (HELD), reserved += the summed quantity on each level, only out of available
     * units of an active warehouse (the conditional update is the guarantee against overselling),
     * every allocation and its RESERVE ledger row. When an id turned out to exist already or a
     * level lost units since planning, `warehouse.all_or_nothing` raises, the statement changes
     * nothing, and this answers false.
     */
    async holdBatch(records: ReservationRecord[], allocations: ReservationAllocation[], at: Date): Promise<boolean> {
      if (records.length === 0) return true;
      const levels = new Set(allocations.map((a) => `${a.productId}/${a.warehouseId}`)).size;
      try {
        await queryRows(
          db,
          sql`WITH fresh AS (
                INSERT INTO ${reservations} (reservation_id, status, expire_time, create_time, update_time)
                SELECT r.reservation_id, 'HELD', r.expire_time, ${at.toISOString()}::timestamptz, ${at.toISOString()}::timestamptz
                FROM unnest(${sql.param(records.map((r) => r.reservationId))}::text[], ${sql.param(records.map((r) => r.expireTime.toISOString()))}::timestamptz[])
                  AS r (reservation_id, expire_time)
                ON CONFLICT (reservation_id) DO NOTHING
                RETURNING reservation_id
              ),
              wanted AS (SELECT * FROM ${columns(allocations)}),
              ${perLevel},
              ${holdAndRecord(at)}
              SELECT "warehouse"."all_or_nothing"(
                (SELECT count(*) FROM fresh) = ${records.length} AND (SELECT count(*) FROM held) = ${levels},
                'reservation batch raced'
              )`,
        );
        return true;
      } catch (err) {
        if (pgErrorCode(err) === BATCH_RACED) return false;
        throw err;
      }
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
