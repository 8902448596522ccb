import type { WarehouseRepo } from "../db/repo.js";
import { byLevel, planAllocations, type ReservationLineInput } from "./allocation.js";
import type { Reservation, ReservationAllocation, ReservationRecord } from "./reservation-model.js";

/** One validated reservation request waiting in a batch. */
export interface QueuedReservation {
  reservationId: string;
  /** Merged by product, sorted by product id. */
  lines: ReservationLineInput[];
  expireTime: Date;
}

/** The batch's write found an id taken or units gone after planning, and changed nothing. */
export class BatchRaced extends Error {
  constructor(planned: number) {
    super(`a batch of ${planned} reservation(s) raced another writer after planning`);
  }
}

/**
 * A batch of reservations in two round trips and no explicit transaction, answering one outcome
 * per request in order:
 * - one read: which ids exist already (replays answer what is stored, exactly as a lone request
 *   would) and the available units of every product the batch asks for;
 * - each new reservation planned against those levels in FIFO order, all or nothing: one that
 *   cannot be fully served gets INSUFFICIENT_STOCK and the rest go on with the units it did not take;
 * - one statement writing the served reservations, the summed quantity held on each level
 *   (guarded by on_hand - reserved >= n), every allocation and ledger row. When an id was taken
 *   or a guard missed meanwhile (a writer that did not hold the lock), that statement changes
 *   nothing and this throws BatchRaced: the caller serves the batch one by one, so correctness
 *   never rests on the lock.
 */
export async function reserveQueued(
  repo: WarehouseRepo,
  batch: QueuedReservation[],
  at: Date,
  afterAllocate?: () => Promise<void>,
): Promise<Array<PromiseSettledResult<Reservation>>> {
  const products = [...new Set(batch.flatMap((q) => q.lines.map((l) => l.productId)))];
  const { existing, levels } = await repo.readForReserve(batch.map((q) => q.reservationId), products);
  const stored = await repo.findReservations(existing);
  const replays = new Set(existing);

  const outcomes: Array<PromiseSettledResult<Reservation>> = [];
  const served: ReservationRecord[] = [];
  const allocations: ReservationAllocation[] = [];
  for (const q of batch) {
    if (replays.has(q.reservationId)) {
      const replay = stored.get(q.reservationId);
      // Gone between the two reads (only a test deletes reservations): served alone instead.
      if (!replay) throw new BatchRaced(batch.length);
      outcomes.push({ status: "fulfilled", value: replay });
      continue;
    }
    let planned: ReservationAllocation[];
    try {
      planned = planAllocations(q.lines, levels)
        .sort(byLevel)
        .map((a) => ({ reservationId: q.reservationId, ...a }));
    } catch (shortage) {
      outcomes.push({ status: "rejected", reason: shortage });
      continue;
    }
    for (const a of planned) {
      const level = levels.find((l) => l.warehouseId === a.warehouseId && l.productId === a.productId);
      if (level) level.available -= a.quantity;
    }
    const record: ReservationRecord = { reservationId: q.reservationId, status: "HELD", expireTime: q.expireTime, createTime: at, updateTime: at };
    served.push(record);
    allocations.push(...planned);
    outcomes.push({ status: "fulfilled", value: { ...record, allocations: planned } });
  }
  if (allocations.length > 0) await afterAllocate?.();
  if (!(await repo.holdBatch(served, allocations, at))) throw new BatchRaced(served.length);
  return outcomes;
}
