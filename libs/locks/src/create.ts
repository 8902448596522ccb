import type { LockManager } from "./lock-manager.js";
import { InProcessLockManager } from "./in-process.js";
import { RedlockManager } from "./redlock.js";

export interface LockConfig {
  redisUrls: string[];
  ttlMs: number;
  retryDelayMs: number;
}

/** No Redis URLs: in-process locks (one-process embedded mode). Otherwise Redlock with quorum. */
export function createLockManager(config: LockConfig): LockManager {
  if (config.redisUrls.length === 0) return new InProcessLockManager();
  return new RedlockManager({
    urls: config.redisUrls,
    ttlMs: config.ttlMs,
    retryDelayMs: config.retryDelayMs,
    retryJitterMs: config.retryDelayMs,
  });
}
