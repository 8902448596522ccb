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

export interface Sweeper {
  /** Stops the timer and waits for a sweep in progress. */
  stop(): Promise<void>;
}

/** Sweeps every `intervalMs`; a full batch means more may wait, so it sweeps again at once (bounded). */
export function startReservationSweeper(opts: {
  sweepOnce: () => Promise<number>;
  batchSize: number;
  intervalMs: number;
  logger: Logger;
}): Sweeper {
  const MAX_BATCHES_PER_TICK = 50;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  async function tick(): Promise<void> {
    try {
      let released = 0;
      for (let batch = 0; batch < MAX_BATCHES_PER_TICK && !stopped; batch++) {
        const n = await opts.sweepOnce();
        released += n;
        if (n < opts.batchSize) break;
      }
      if (released > 0) opts.logger.info({ released }, "released expired reservations");
    } catch (err) {
      // The next tick tries again; a database blip must not stop the sweeper.
      opts.logger.warn({ err }, "reservation sweep failed");
    }
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick().then(schedule);
    }, opts.intervalMs);
    timer.unref();
  }

  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
