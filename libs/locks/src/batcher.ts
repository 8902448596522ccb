import { DomainError } from "@wms/errors";
import { DEFAULT_LOCK_WAIT_MS, lockWaitTimedOut, normalizeKeys, type LockManager } from "./lock-manager.js";

export interface Batchable {
  /** The lock keys the work needs; a batch runs under one holder's keys. */
  keys: string[];
  /** Requests with the same id never share a batch (the later one is a replay of the earlier). */
  id: string;
  /** Give up waiting at this time: ABORTED LOCK_TIMEOUT, as a lock wait does. */
  deadline?: Date;
}

interface Waiting<E, R> {
  entry: E;
  keys: string[];
  keySet: string;
  deadline: number;
  timer: NodeJS.Timeout | undefined;
  resolve: (value: R) => void;
  reject: (reason: unknown) => void;
}

/**
 * Group commit under SKU locks. Requests queue in this process, FIFO; for each set of keys that
 * has requests waiting, one drainer takes the locks and, while holding them, hands `run` up to
 * `maxBatch` waiting requests whose keys it holds (its own set or a subset: single-line
 * reservations ride with a multi-line holder), oldest first. So a rush on one SKU pays one lock
 * acquisition, one transaction and one commit per batch instead of per buyer. Whoever holds the
 * locks, `run` must stay correct without them (a lock may be lost): the batcher only saves work.
 */
export function createBatcher<E extends Batchable, R>(opts: {
  locks: LockManager;
  maxBatch: number;
  /** How long a request without a deadline may wait (default 5 s, as the lock managers); Infinity: no limit. */
  defaultWaitMs?: number;
  /** One outcome per entry, in order; a throw fails the whole batch with that error. */
  run: (batch: E[]) => Promise<Array<PromiseSettledResult<R>>>;
}): { submit(entry: E): Promise<R> } {
  const waiting: Array<Waiting<E, R>> = [];
  const draining = new Set<string>();

  function take(held: Set<string>): Array<Waiting<E, R>> {
    const batch: Array<Waiting<E, R>> = [];
    const ids = new Set<string>();
    for (let i = 0; i < waiting.length && batch.length < opts.maxBatch; ) {
      const w = waiting[i]!;
      if (w.keys.every((k) => held.has(k)) && !ids.has(w.entry.id)) {
        ids.add(w.entry.id);
        batch.push(w);
        waiting.splice(i, 1);
        clearTimeout(w.timer);
      } else {
        i += 1;
      }
    }
    return batch;
  }

  async function runBatch(batch: Array<Waiting<E, R>>): Promise<void> {
    let outcomes: Array<PromiseSettledResult<R>>;
    try {
      outcomes = await opts.run(batch.map((w) => w.entry));
    } catch (err) {
      outcomes = batch.map(() => ({ status: "rejected", reason: err }));
    }
    batch.forEach((w, i) => {
      const outcome = outcomes[i];
      if (outcome?.status === "fulfilled") w.resolve(outcome.value);
      else w.reject(outcome ? outcome.reason : new Error("the batch answered fewer outcomes than it was given"));
    });
  }

  async function drain(keys: string[], keySet: string): Promise<void> {
    try {
      for (;;) {
        const mine = waiting.filter((w) => w.keySet === keySet);
        if (mine.length === 0) return;
        // Wait as long as the most patient of them; each gives up alone at its own deadline.
        const latest = Math.max(...mine.map((w) => w.deadline));
        const deadline = Number.isFinite(latest) ? new Date(latest) : undefined;
        try {
          await opts.locks.withLocks(keys, { deadline }, async () => {
            const batch = take(new Set(keys));
            if (batch.length > 0) await runBatch(batch);
          });
        } catch (err) {
          // The locks were not taken. A timed-out wait: every one of them had given up by then.
          // Any other failure (the lock service unreachable) fails the oldest, as its own
          // attempt would have, and the next in line makes an attempt of its own, so a passing
          // blip does not fail a whole queue.
          const timedOut = err instanceof DomainError && err.reason === "LOCK_TIMEOUT";
          for (const w of timedOut ? mine : mine.slice(0, 1)) {
            const i = waiting.indexOf(w);
            if (i < 0) continue;
            waiting.splice(i, 1);
            clearTimeout(w.timer);
            w.reject(err);
          }
        }
      }
    } finally {
      draining.delete(keySet);
    }
  }

  return {
    submit(entry) {
      return new Promise<R>((resolve, reject) => {
        const keys = normalizeKeys(entry.keys);
        const deadline = entry.deadline?.getTime() ?? Date.now() + (opts.defaultWaitMs ?? DEFAULT_LOCK_WAIT_MS);
        const w: Waiting<E, R> = { entry, keys, keySet: keys.join("\n"), deadline, resolve, reject, timer: undefined };
        if (Number.isFinite(deadline)) w.timer = setTimeout(() => {
          const i = waiting.indexOf(w);
          if (i < 0) return; // already in a running batch: that batch answers
          waiting.splice(i, 1);
          reject(lockWaitTimedOut(keys));
        }, Math.max(0, deadline - Date.now()));
        waiting.push(w);
        if (!draining.has(w.keySet)) {
          draining.add(w.keySet);
          void drain(keys, w.keySet);
        }
      });
    },
  };
}
