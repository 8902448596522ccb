import type { LockManager } from "./lock-manager.js";
import { InProcessLockManager } from "./in-process.js";
import { RedlockManager } from "./redlock.js";
import { queuedLocks } from "./queued.js";
import { instrumentedLocks } from "./instrumented.js";

export interface LockConfig {
  redisUrls: string[];
  ttlMs: number;
  retryDelayMs: number;
  /** The service taking the locks: its waits become spans and wms_lock_wait_seconds. Unset: not measured. */
  service?: string;
}

/**
 * No Redis URLs: in-process locks (one-process embedded mode). Otherwise Redlock with quorum,
 * behind a per-process queue so one rush makes one Redis contender per replica.
 */
export function createLockManager(config: LockConfig): LockManager {
  const manager = lockManagerFor(config);
  return config.service ? instrumentedLocks(manager, config.service) : manager;
}

function lockManagerFor(config: LockConfig): LockManager {
  if (config.redisUrls.length === 0) return new InProcessLockManager();
  return queuedLocks(
    new RedlockManager({
      urls: config.redisUrls,
      ttlMs: config.ttlMs,
      retryDelayMs: config.retryDelayMs,
      retryJitterMs: config.retryDelayMs,
    }),
  );
}
