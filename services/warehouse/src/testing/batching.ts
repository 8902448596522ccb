import { InProcessLockManager, type LockManager } from "@wms/locks";
import type { Database } from "@wms/db";
import { createWarehouseRepo, type WarehouseRepo } from "../db/repo.js";
import { createReservationsDomain, type ReservationsDeps, type ReservationsDomain } from "../domain/reservations.js";
import type { TestClock } from "./fixtures.js";

/** What a reservations domain did: transactions begun, batch sizes, requests queued. */
export interface RepoStats {
  transactions: number;
  /** Requests per batch (the ids its one read looks up). */
  batches: number[];
  queued: number;
}

/** The real repo, counting what goes through it (inside transactions too). */
export function countingRepo(db: Database): { repo: WarehouseRepo; stats: RepoStats } {
  const stats: RepoStats = { transactions: 0, batches: [], queued: 0 };
  const wrap = (inner: WarehouseRepo): WarehouseRepo => ({
    ...inner,
    readForReserve(reservationIds, productIds) {
      stats.batches.push(reservationIds.length);
      return inner.readForReserve(reservationIds, productIds);
    },
    transaction(work) {
      stats.transactions += 1;
      return inner.transaction((tx) => work(wrap(tx)));
    },
  });
  return { repo: wrap(createWarehouseRepo(db)), stats };
}

/** In-process locks that let nobody in until `open()`: requests pile up in the queue meanwhile. */
export function gatedLocks(): { locks: LockManager; open: () => void } {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const inner = new InProcessLockManager();
  return { locks: { withLocks: (keys, options, work) => gate.then(() => inner.withLocks(keys, options, work)), close: () => inner.close() }, open };
}

/** A reservations domain of its own (one process's queue) over `db`, counting its repo calls. */
export function countedReservations(
  db: Database,
  clock: TestClock,
  overrides: Partial<Pick<ReservationsDeps, "locks" | "afterAllocate" | "maxBatch">> = {},
): { reservations: ReservationsDomain; stats: RepoStats } {
  const { repo, stats } = countingRepo(db);
  const reservations = createReservationsDomain({
    repo,
    locks: overrides.locks ?? new InProcessLockManager(),
    now: clock.now,
    onQueued: () => (stats.queued += 1),
    ...overrides,
  });
  return { reservations, stats };
}

/** Resolves once `count` requests sit in the batch queue. */
export async function queued(stats: RepoStats, count: number): Promise<void> {
  while (stats.queued < count) await new Promise((r) => setTimeout(r, 2));
  await new Promise((r) => setImmediate(r));
}

/**
 * A reservations domain whose batches pause after planning, before writing, until `resume()`;
 * `planned` resolves when the first batch got there. Locks stay shut until `open()`.
 */
export function pausedAfterPlanning(db: Database, clock: TestClock) {
  const { locks, open } = gatedLocks();
  let markPlanned!: () => void;
  let resume!: () => void;
  const planned = new Promise<void>((r) => (markPlanned = r));
  const gate = new Promise<void>((r) => (resume = r));
  const { reservations, stats } = countedReservations(db, clock, {
    locks,
    afterAllocate: async () => {
      markPlanned();
      await gate;
    },
  });
  return { reservations, stats, open, planned, resume };
}
