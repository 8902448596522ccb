import { errors, type DomainError } from "@wms/errors";

export interface LockOptions {
  /** Give up waiting at this time (the call's deadline): ABORTED with reason LOCK_TIMEOUT. */
  deadline?: Date;
}

/**
 * Serializes work on keys (SKUs) across everything that shares the manager. It is for
 * throughput and fairness only: a lock may be lost under a paused holder, so correctness
 * must never depend on it (the database's conditional updates carry that).
 */
export interface LockManager {
  /** Takes every key (sorted, all at once), runs `work`, releases. */
  withLocks<T>(keys: string[], options: LockOptions, work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export const DEFAULT_LOCK_WAIT_MS = 5_000;

/** Keys sorted and deduplicated: every holder takes them in one order, so none deadlock. */
export function normalizeKeys(keys: string[]): string[] {
  return [...new Set(keys)].sort();
}

/** A wait for keys that outlived its deadline: ABORTED, the caller may try again. */
export function lockWaitTimedOut(keys: string[]): DomainError {
  return errors.aborted("LOCK_TIMEOUT", "timed out waiting for the stock lock; try again", { lockKeys: keys.join(",") });
}

/** A lock manager that never excludes anyone: for work that needs no lock, and for tests where only the database may protect. */
export const noLocks: LockManager = {
  withLocks: (_keys, _options, work) => work(),
  close: async () => undefined,
};
