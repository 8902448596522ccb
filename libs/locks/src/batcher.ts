import { DomainError } from "@wms/errors";
import { DEFAULT_LOCK_WAIT_MS, lockWaitTimedOut, noLocks, normalizeKeys, type LockManager } from "./lock-manager.js";

export interface Batchable {
  /** The lock keys the work needs; a batch runs under the union of its requests' keys. */
  keys: string[];
  /** Requests with the same id never share a batch (the later one is a replay of the earlier). */
  id: string;
  /** Give up waiting at this time: ABORTED LOCK_TIMEOUT, as a lock wait does. */
  deadline?: Date;
}

interface Waiting<E, R> {
  entry: E;
  keys: string[];
  deadline: number;
  /** queued: in `waiting`; locking: in a batch waiting for its locks; running: `run` answers it; done: answered. */
  state: "queued" | "locking" | "running" | "done";
  timer: NodeJS.Timeout | undefined;
  resolve: (value: R) => void;
  reject: (reason: unknown) => void;
}

export interface BatcherOptions<E, R> {
  locks: LockManager;
  maxBatch: number;
  /** Batches in flight at once, on disjoint keys (default 1). */
  concurrency?: number;
  /** How long a request without a deadline may wait (default 5 s, as the lock managers); Infinity: no limit. */
  defaultWaitMs?: number;
  /** One outcome per entry, in order; a throw fails the whole batch with that error. */
  run: (batch: E[]) => Promise<Array<PromiseSettledResult<R>>>;
}

/**
 * Group commit under locks. Requests queue in this process; a free slot takes the oldest waiting
 * request and every later one (up to `maxBatch`) whose keys no other batch holds, takes the
 * union of their keys in one lock acquisition and hands them to `run` together, and once it holds
 * the locks it adds the requests that arrived meanwhile for keys it already holds. So a rush,
 * on one SKU or on many, pays one lock acquisition, one transaction and one commit per batch
 * instead of per buyer. Per key it stays FIFO: a request never overtakes an older one waiting
 * for any of its keys. Each request keeps its own deadline until its batch holds the locks.
 * Whoever holds the locks, `run` must stay correct without them (a lock may be lost): the
 * batcher only saves work.
 */
export function createBatcher<E extends Batchable, R>(opts: BatcherOptions<E, R>): { submit(entry: E): Promise<R> } {
  const waiting: Array<Waiting<E, R>> = [];
  /** Keys of the batches being locked or run. */
  const busy = new Set<string>();
  const concurrency = opts.concurrency ?? 1;
  let running = 0;
  let pumpScheduled = false;

  /**
   * An idle batcher starts on the next turn of the event loop, not at once: requests that
   * arrive together (a batch upstream answering dozens of callers, a burst read off a socket)
   * then share one batch instead of the first going alone and the rest waiting for it.
   */
  function schedulePump(): void {
    if (pumpScheduled) return;
    pumpScheduled = true;
    setImmediate(() => {
      pumpScheduled = false;
      pump();
    });
  }

  function pump(): void {
    while (running < concurrency && waiting.length > 0) {
      const batch = take([]);
      if (batch.length === 0) return; // every waiting request needs a key another batch holds
      const keys = normalizeKeys(batch.flatMap((w) => w.keys));
      for (const k of keys) busy.add(k);
      running += 1;
      void lockAndRun(batch, keys).finally(() => {
        for (const k of keys) busy.delete(k);
        running -= 1;
        pump();
      });
    }
  }

  /**
   * Moves waiting requests into `batch`, oldest first: a request joins when none of its keys is
   * blocked (held by another batch, or wanted by an older request left waiting) and, when `held`
   * is given (the keys this batch holds), all of its keys are in it.
   */
  function take(batch: Array<Waiting<E, R>>, held?: Set<string>): Array<Waiting<E, R>> {
    const blocked = new Set([...busy].filter((k) => !held?.has(k)));
    const ids = new Set(batch.map((w) => w.entry.id));
    for (let i = 0; i < waiting.length && batch.length < opts.maxBatch; ) {
      const w = waiting[i]!;
      const joins = !ids.has(w.entry.id) && w.keys.every((k) => !blocked.has(k) && (held === undefined || held.has(k)));
      if (joins) {
        ids.add(w.entry.id);
        batch.push(w);
        waiting.splice(i, 1);
        w.state = "locking";
      } else {
        for (const k of w.keys) blocked.add(k);
        i += 1;
      }
    }
    return batch;
  }

  async function lockAndRun(batch: Array<Waiting<E, R>>, keys: string[]): Promise<void> {
    // Wait as long as the most patient of them; the others give up at their own deadlines meanwhile.
    const latest = Math.max(...batch.map((w) => w.deadline));
    const deadline = Number.isFinite(latest) ? new Date(latest) : undefined;
    let locked = false;
    try {
      await opts.locks.withLocks(keys, { deadline }, async () => {
        locked = true;
        const live = take(batch.filter((w) => w.state === "locking"), new Set(keys));
        for (const w of live) {
          w.state = "running";
          clearTimeout(w.timer);
        }
        if (live.length > 0) await runBatch(live);
      });
    } catch (err) {
      if (locked) return; // runBatch answered every request (it never throws)
      // The locks were not taken. A timed-out wait: every one of them had given up by then.
      // Any other failure (the lock service unreachable) fails the oldest, as its own attempt
      // would have, and puts the rest back at the head of the queue, so a passing blip does not
      // fail a whole batch.
      const timedOut = err instanceof DomainError && err.reason === "LOCK_TIMEOUT";
      const [oldest, ...rest] = batch.filter((w) => w.state === "locking");
      for (const w of timedOut ? batch : oldest ? [oldest] : []) answer(w, () => w.reject(err));
      if (!timedOut) {
        for (const w of rest) w.state = "queued";
        waiting.unshift(...rest);
      }
    }
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
      if (outcome?.status === "fulfilled") answer(w, () => w.resolve(outcome.value));
      else answer(w, () => w.reject(outcome ? outcome.reason : new Error("the batch answered fewer outcomes than it was given")));
    });
  }

  /** Answers a request once; a later answer (its deadline after its batch failed) is dropped. */
  function answer(w: Waiting<E, R>, settle: () => void): void {
    if (w.state === "done") return;
    w.state = "done";
    clearTimeout(w.timer);
    settle();
  }

  /** At its deadline a request not yet running gives up: out of the queue, or skipped by its batch. */
  function arm(w: Waiting<E, R>): void {
    if (!Number.isFinite(w.deadline)) return;
    w.timer = setTimeout(() => {
      if (w.state === "running" || w.state === "done") return; // its batch answers
      if (w.state === "queued") waiting.splice(waiting.indexOf(w), 1);
      answer(w, () => w.reject(lockWaitTimedOut(w.keys)));
    }, Math.max(0, w.deadline - Date.now()));
  }

  return {
    submit(entry) {
      return new Promise<R>((resolve, reject) => {
        const keys = normalizeKeys(entry.keys);
        const deadline = entry.deadline?.getTime() ?? Date.now() + (opts.defaultWaitMs ?? DEFAULT_LOCK_WAIT_MS);
        const w: Waiting<E, R> = { entry, keys, deadline, state: "queued", resolve, reject, timer: undefined };
        arm(w);
        waiting.push(w);
        schedulePump();
      });
    },
  };
}

/**
 * Coalesces calls that need no lock: while one batch is in flight the calls that arrive queue,
 * and the next batch takes them all at once (up to `maxBatch`). Under no load a call runs on the
 * next turn of the event loop, alone; under load many share one statement and one round trip.
 */
export function createCoalescer<E, R>(opts: {
  maxBatch: number;
  /** Batches in flight at once (default 1). */
  concurrency?: number;
  /** One outcome per entry, in order; a throw fails the whole batch with that error. */
  run: (batch: E[]) => Promise<Array<PromiseSettledResult<R>>>;
}): (entry: E) => Promise<R> {
  let next = 0;
  const batcher = createBatcher<{ id: string; keys: string[]; entry: E }, R>({
    locks: noLocks,
    maxBatch: opts.maxBatch,
    concurrency: opts.concurrency,
    defaultWaitMs: Infinity,
    run: (batch) => opts.run(batch.map((b) => b.entry)),
  });
  return (entry) => batcher.submit({ id: String(next++), keys: [], entry });
}
