import { withTransactionRetry } from "@wms/db";
import { sweepInBatches } from "@wms/service";
import type { WarehouseRepo } from "../db/repo.js";
import { settleHeldUnits } from "./held-units.js";

/**
 * Releases up to `batchSize` HELD reservations expired by `now`, in one transaction. The rows
 * are picked FOR UPDATE SKIP LOCKED inside that transaction, so any number of replicas can
 * sweep at once: each takes rows no other holds, and none releases a reservation twice.
 * Returns how many it released.
 */
export async function releaseExpiredReservations(repo: WarehouseRepo, opts: { now: Date; batchSize: number }): Promise<number> {
  return withTransactionRetry(() =>
    repo.transaction(async (tx) => {
      const ids = await tx.lockExpiredHeld(opts.now, opts.batchSize);
      if (ids.length === 0) return 0;
      await tx.markReleased(ids, opts.now);
      await settleHeldUnits(tx, await tx.allocationsOf(ids), "RELEASE", opts.now);
      return ids.length;
    }),
  );
}

const MAX_BATCHES_PER_SWEEP = 50;

/** One sweep: batches of `releaseBatch` by the shared batching rule; answers how many it released. */
export async function sweepExpiredReservations(opts: { releaseBatch: () => Promise<number>; batchSize: number; signal?: AbortSignal }): Promise<number> {
  const { taken } = await sweepInBatches({
    batchSize: opts.batchSize,
    maxBatches: MAX_BATCHES_PER_SWEEP,
    signal: opts.signal,
    // A batch is one transaction: it releases all it took or throws, so nothing in it fails alone.
    runBatch: async () => ({ taken: await opts.releaseBatch(), failed: 0 }),
  });
  return taken;
}
