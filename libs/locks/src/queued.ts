import { InProcessLockManager } from "./in-process.js";
import type { LockManager } from "./lock-manager.js";

/**
 * The requests of one process queue for a SKU locally (FIFO) before contending for the
 * distributed lock. A rush on one SKU then makes one Redis contender per replica instead of
 * one per request, each polling Redis every few milliseconds: polling that, at a few hundred
 * waiters, starves the lock holder's own work of the event loop.
 */
export function queuedLocks(distributed: LockManager): LockManager {
  const local = new InProcessLockManager();
  return {
    withLocks: (keys, options, work) => local.withLocks(keys, options, () => distributed.withLocks(keys, options, work)),
    async close() {
      await local.close();
      await distributed.close();
    },
  };
}
