import type { WarehouseRepo } from "../db/repo.js";
import { byLevel, planAllocations, type ReservationLineInput } from "./allocation.js";
import type { Reservation, ReservationAllocation } from "./reservation-model.js";

/** One validated reservation request waiting in a batch. */
export interface QueuedReservation {
  reservationId: string;
  /** Merged by product, sorted by product id. */
  lines: ReservationLineInput[];
  expireTime: Date;
}

/** Thrown inside the batch's transaction to roll it all back when planned units were taken meanwhile. */
export class BatchRaced extends Error {
  constructor(missed: number) {
    super(`${missed} level(s) lost units after the batch was planned`);
  }
}

/**
 * A batch of reservations in one transaction, answering one outcome per request in order:
 * - one multi-row INSERT ... ON CONFLICT DO NOTHING: the ids it did not insert exist already,
 *   and those replays answer what is stored, exactly as a lone request would;
 * - the levels of every product read once, and each new reservation planned against them in
 *   FIFO order, all or nothing: one that cannot be fully served gets INSUFFICIENT_STOCK (its row
 *   is taken back) and the rest go on with the units it did not take;
 * - one statement holding the summed quantity on each level, guarded by on_hand - reserved >= n,
 *   with every allocation and ledger row. When a guard misses (units taken by a writer that did
 *   not hold the lock) it throws BatchRaced, the transaction rolls back, and the caller serves the
 *   batch one by one: correctness never rests on the lock.
 */
export async function reserveBatchInTransaction(
  tx: WarehouseRepo,
  batch: QueuedReservation[],
  at: Date,
  afterAllocate?: () => Promise<void>,
): Promise<Array<PromiseSettledResult<Reservation>>> {
  const inserted = await tx.insertReservations(
    batch.map((q) => ({ reservationId: q.reservationId, status: "HELD" as const, expireTime: q.expireTime, createTime: at, updateTime: at })),
  );
  const fresh = new Map(inserted.map((r) => [r.reservationId, r]));
  const stored = await tx.findReservations(batch.filter((q) => !fresh.has(q.reservationId)).map((q) => q.reservationId));
  const products = [...new Set(batch.filter((q) => fresh.has(q.reservationId)).flatMap((q) => q.lines.map((l) => l.productId)))];
  const levels = await tx.activeAvailableLevels(products);

  const outcomes: Array<PromiseSettledResult<Reservation>> = [];
  const allocations: ReservationAllocation[] = [];
  const unserved: string[] = [];
  for (const q of batch) {
    const record = fresh.get(q.reservationId);
    if (!record) {
      const replay = stored.get(q.reservationId);
      outcomes.push(replay ? { status: "fulfilled", value: replay } : { status: "rejected", reason: new Error(`reservation ${q.reservationId} vanished`) });
      continue;
    }
    let planned: ReservationAllocation[];
    try {
      planned = planAllocations(q.lines, levels)
        .sort(byLevel)
        .map((a) => ({ reservationId: q.reservationId, ...a }));
    } catch (shortage) {
      unserved.push(q.reservationId);
      outcomes.push({ status: "rejected", reason: shortage });
      continue;
    }
    for (const a of planned) {
      const level = levels.find((l) => l.warehouseId === a.warehouseId && l.productId === a.productId);
      if (level) level.available -= a.quantity;
    }
    allocations.push(...planned);
    outcomes.push({ status: "fulfilled", value: { ...record, allocations: planned } });
  }
  if (allocations.length > 0) await afterAllocate?.();
  await tx.deleteReservations(unserved);
  const levelCount = new Set(allocations.map((a) => `${a.productId}/${a.warehouseId}`)).size;
  const held = await tx.reserveAllocations(allocations, at);
  if (held < levelCount) throw new BatchRaced(levelCount - held);
  return outcomes;
}
