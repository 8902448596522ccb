import { withTransactionRetry } from "@wms/db";
import type { Logger } from "@wms/logging";
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

/** One sweep: batches until one comes back short (none left) or the sweep is stopped. */
export async function sweepExpiredReservations(opts: {
  sweepOnce: () => Promise<number>;
  batchSize: number;
  logger: Logger;
  signal: AbortSignal;
}): Promise<void> {
  let released = 0;
  for (let batch = 0; batch < MAX_BATCHES_PER_SWEEP && !opts.signal.aborted; batch++) {
    const n = await opts.sweepOnce();
    released += n;
    if (n < opts.batchSize) break;
  }
  if (released > 0) opts.logger.info({ released }, "released expired reservations");
}
