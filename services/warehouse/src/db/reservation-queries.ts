import { and, asc, eq, gt, lte } from "drizzle-orm";
import { anyOf, type Database } from "@wms/db";
import type { Reservation, ReservationAllocation, ReservationRecord, ReservationStatus } from "../domain/reservation-model.js";
import { reservations } from "./schema/reservations.js";
import { reservationAllocations } from "./schema/reservation-allocations.js";
import { reservationBatchQueries } from "./reservation-batch-queries.js";
import { toReservationAllocation, toReservationRecord } from "./rows.js";

/** Queries on reservations and their allocations. */
export function reservationQueries(db: Database) {
  async function allocationsOf(reservationIds: string[]): Promise<ReservationAllocation[]> {
    if (reservationIds.length === 0) return [];
    const rows = await db
      .select()
      .from(reservationAllocations)
      .where(anyOf(reservationAllocations.reservationId, reservationIds, "text"))
      .orderBy(asc(reservationAllocations.productId), asc(reservationAllocations.warehouseId));
    return rows.map(toReservationAllocation);
  }

  /** Stored reservations among `reservationIds`, by id, each with its allocations. */
  async function findReservations(reservationIds: string[]): Promise<Map<string, Reservation>> {
    if (reservationIds.length === 0) return new Map();
    const rows = await db.select().from(reservations).where(anyOf(reservations.reservationId, reservationIds, "text"));
    const allocations = await allocationsOf(rows.map((r) => r.reservationId));
    return new Map(
      rows.map((row) => [row.reservationId, { ...toReservationRecord(row), allocations: allocations.filter((a) => a.reservationId === row.reservationId) }]),
    );
  }

  return {
    allocationsOf,
    findReservations,
    ...reservationBatchQueries(db),

    /** Undefined when a reservation with this id exists already (a replay or a tombstone). */
    async insertReservation(record: ReservationRecord): Promise<ReservationRecord | undefined> {
      const [inserted] = await db.insert(reservations).values(record).onConflictDoNothing({ target: reservations.reservationId }).returning();
      return inserted && toReservationRecord(inserted);
    },

    async findReservation(reservationId: string): Promise<Reservation | undefined> {
      const [row] = await db.select().from(reservations).where(eq(reservations.reservationId, reservationId)).limit(1);
      if (!row) return undefined;
      return { ...toReservationRecord(row), allocations: await allocationsOf([reservationId]) };
    },

    /**
     * HELD → `to`, and only from HELD: the arbiter between a commit, a release and the sweeper
     * racing on a reservation. With `unexpiredAt`, only those not expired by then. Answers the
     * reservations it moved (the others were not HELD, or had expired).
     */
    async leaveHeld(
      reservationIds: string[],
      to: Exclude<ReservationStatus, "HELD">,
      at: Date,
      unexpiredAt?: Date,
    ): Promise<ReservationRecord[]> {
      if (reservationIds.length === 0) return [];
      const rows = await db
        .update(reservations)
        .set({ status: to, updateTime: at })
        .where(
          and(
            anyOf(reservations.reservationId, reservationIds, "text"),
            eq(reservations.status, "HELD"),
            unexpiredAt ? gt(reservations.expireTime, unexpiredAt) : undefined,
          ),
        )
        .returning();
      return rows.map(toReservationRecord);
    },

    /**
     * Locks up to `limit` held reservations expired by `now`, skipping rows another sweeper (or
     * a commit) holds, so concurrent sweepers split the work and none releases twice.
     */
    async lockExpiredHeld(now: Date, limit: number): Promise<string[]> {
      const rows = await db
        .select({ reservationId: reservations.reservationId })
        .from(reservations)
        .where(and(eq(reservations.status, "HELD"), lte(reservations.expireTime, now)))
        .orderBy(asc(reservations.expireTime))
        .limit(limit)
        .for("update", { skipLocked: true });
      return rows.map((r) => r.reservationId);
    },

    /** The expiry of the oldest reservation expired by `now` and still HELD: how far the sweeper is behind. */
    async oldestExpiredHeld(now: Date): Promise<Date | undefined> {
      const [row] = await db
        .select({ expireTime: reservations.expireTime })
        .from(reservations)
        .where(and(eq(reservations.status, "HELD"), lte(reservations.expireTime, now)))
        .orderBy(asc(reservations.expireTime))
        .limit(1);
      return row?.expireTime;
    },

    async markReleased(reservationIds: string[], at: Date): Promise<void> {
      if (reservationIds.length === 0) return;
      await db
        .update(reservations)
        .set({ status: "RELEASED", updateTime: at })
        .where(and(anyOf(reservations.reservationId, reservationIds, "text"), eq(reservations.status, "HELD")));
    },
  };
}
