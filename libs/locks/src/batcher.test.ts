import { describe, expect, it } from "vitest";
import { errors } from "@wms/errors";
import { createBatcher, createCoalescer, type Batchable } from "./batcher.js";
import { InProcessLockManager } from "./in-process.js";
import type { LockManager } from "./lock-manager.js";

interface Job extends Batchable {
  name: string;
}

/** Real in-process locks, recording every acquisition's keys; `failNext` makes the next acquisition fail as an unreachable lock service does. */
function recordingLocks() {
  const inner = new InProcessLockManager();
  const acquired: string[][] = [];
  let failures = 0;
  const locks: LockManager = {
    async withLocks(keys, options, work) {
      if (failures > 0) {
        failures -= 1;
        throw errors.unavailable("LOCK_SERVICE_UNAVAILABLE", "the lock service (Redis) is unreachable");
      }
      return inner.withLocks(keys, options, () => {
        acquired.push([...keys]);
        return work();
      });
    },
    close: () => inner.close(),
  };
  return { locks, acquired, failNext: () => (failures += 1) };
}

/** A batcher whose batches wait on a gate of their own; records each batch's job names. */
function gatedBatcher(locks: LockManager, opts: { concurrency?: number; maxBatch?: number } = {}) {
  const batches: string[][] = [];
  const gates: Array<() => void> = [];
  const batcher = createBatcher<Job, string>({
    locks,
    maxBatch: opts.maxBatch ?? 64,
    concurrency: opts.concurrency,
    async run(batch) {
      batches.push(batch.map((j) => j.name));
      await new Promise<void>((r) => gates.push(r));
      return batch.map((j) => ({ status: "fulfilled", value: j.name }));
    },
  });
  const submit = (name: string, keys: string[], id = name, deadline?: Date) => batcher.submit({ name, keys, id, deadline });
  /** Opens the oldest waiting batch's gate, once one is waiting. */
  const release = async () => {
    while (gates.length === 0) await tick();
    gates.shift()!();
  };
  return { submit, batches, release, gates };
}

const tick = () => new Promise((r) => setImmediate(r));

describe("createBatcher", () => {
  it("serves the requests of many keys that queued behind a batch in ONE batch under one acquisition of their union", async () => {
    const { locks, acquired } = recordingLocks();
    const b = gatedBatcher(locks);
    const first = b.submit("first", ["sku-a"]);
    await tick();
    const rest = ["b", "c", "d", "e"].map((k) => b.submit(k, [`sku-${k}`]));
    await b.release();
    await b.release();
    expect(await Promise.all([first, ...rest])).toEqual(["first", "b", "c", "d", "e"]);
    expect(b.batches).toEqual([["first"], ["b", "c", "d", "e"]]);
    expect(acquired).toEqual([["sku-a"], ["sku-b", "sku-c", "sku-d", "sku-e"]]);
  });

  it("runs batches on disjoint keys side by side, up to its concurrency", async () => {
    const { locks } = recordingLocks();
    const b = gatedBatcher(locks, { concurrency: 2 });
    const x = b.submit("x", ["sku-x"]);
    await tick();
    const yz = [b.submit("y", ["sku-y"]), b.submit("z", ["sku-z"])];
    await tick();
    const w = b.submit("w", ["sku-w"]);
    await tick();
    expect(b.batches).toEqual([["x"], ["y", "z"]]); // both running; w waits for a free slot
    expect(b.gates).toHaveLength(2);
    for (let i = 0; i < 3; i++) await b.release();
    expect(await Promise.all([x, ...yz, w])).toEqual(["x", "y", "z", "w"]);
    expect(b.batches).toEqual([["x"], ["y", "z"], ["w"]]);
  });

  it("never lets a request overtake an older one waiting for any of its keys", async () => {
    const { locks } = recordingLocks();
    const b = gatedBatcher(locks, { concurrency: 2 });
    const holder = b.submit("holder", ["sku-x"]);
    await tick();
    // Both slots could run "later" (its key is free), but "older" waits for sku-x and wants sku-y first.
    const older = b.submit("older", ["sku-x", "sku-y"]);
    const later = b.submit("later", ["sku-y"]);
    await tick();
    expect(b.batches).toEqual([["holder"]]);
    await b.release();
    await b.release();
    expect(await Promise.all([holder, older, later])).toEqual(["holder", "older", "later"]);
    expect(b.batches).toEqual([["holder"], ["older", "later"]]);
  });

  it("keeps two requests with the same id in different batches", async () => {
    const { locks } = recordingLocks();
    const b = gatedBatcher(locks);
    const first = b.submit("first", ["sku-a"]);
    await tick();
    const runs = [b.submit("r1", ["sku-a"], "same"), b.submit("r2", ["sku-b"], "same"), b.submit("other", ["sku-c"])];
    await b.release();
    await b.release();
    await b.release();
    await Promise.all([first, ...runs]);
    expect(b.batches).toEqual([["first"], ["r1", "other"], ["r2"]]);
  });

  it("caps a batch at maxBatch, oldest first", async () => {
    const { locks } = recordingLocks();
    const b = gatedBatcher(locks, { maxBatch: 2 });
    const runs = ["a", "b", "c", "d", "e"].map((k) => b.submit(k, [`sku-${k}`]));
    for (let i = 0; i < 3; i++) await b.release();
    await Promise.all(runs);
    expect(b.batches).toEqual([["a", "b"], ["c", "d"], ["e"]]);
  });

  it("fails only the oldest request of a batch whose locks could not be taken, and serves the rest", async () => {
    const { locks, failNext } = recordingLocks();
    const b = gatedBatcher(locks);
    const first = b.submit("first", ["sku-a"]);
    await tick();
    const queued = [b.submit("b", ["sku-b"]), b.submit("c", ["sku-c"])].map((p) => p.then(
      (value) => ({ ok: true, value }),
      (err: unknown) => ({ ok: false, value: (err as { reason?: string }).reason }),
    ));
    failNext();
    await b.release();
    await b.release();
    expect(await first).toBe("first");
    expect(await Promise.all(queued)).toEqual([
      { ok: false, value: "LOCK_SERVICE_UNAVAILABLE" },
      { ok: true, value: "c" },
    ]);
  });

  it("lets a request of a batch still waiting for its locks give up at its own deadline; the batch runs without it", async () => {
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const inner = new InProcessLockManager();
    const slowLocks: LockManager = { withLocks: (keys, options, work) => gate.then(() => inner.withLocks(keys, options, work)), close: () => inner.close() };
    const b = gatedBatcher(slowLocks);
    const patient = b.submit("patient", ["sku-a"]);
    const hasty = b.submit("hasty", ["sku-b"], "hasty", new Date(Date.now() + 20));
    await expect(hasty).rejects.toMatchObject({ reason: "LOCK_TIMEOUT" });
    open();
    await b.release();
    expect(await patient).toBe("patient");
    expect(b.batches).toEqual([["patient"]]);
  });

  it("answers LOCK_TIMEOUT to a request still waiting at its deadline, and serves the others", async () => {
    const { locks } = recordingLocks();
    const b = gatedBatcher(locks);
    const first = b.submit("first", ["sku-a"]);
    await tick();
    const impatient = b.submit("impatient", ["sku-a"], "impatient", new Date(Date.now() + 20));
    const patient = b.submit("patient", ["sku-a"]);
    await expect(impatient).rejects.toMatchObject({ reason: "LOCK_TIMEOUT" });
    await b.release();
    await b.release();
    expect(await Promise.all([first, patient])).toEqual(["first", "patient"]);
    expect(b.batches).toEqual([["first"], ["patient"]]);
  });
});

describe("createCoalescer", () => {
  it("runs a call at once when idle, and the calls that arrive meanwhile together in the next batch", async () => {
    const batches: number[][] = [];
    const gates: Array<() => void> = [];
    const lookUp = createCoalescer<number, number>({
      maxBatch: 64,
      async run(batch) {
        batches.push(batch);
        await new Promise<void>((r) => gates.push(r));
        return batch.map((n) => ({ status: "fulfilled", value: n * 10 }));
      },
    });
    const first = lookUp(1);
    await tick();
    expect(batches).toEqual([[1]]);
    const rest = [2, 3, 4].map(lookUp);
    gates.shift()!();
    while (gates.length === 0) await tick();
    gates.shift()!();
    expect(await Promise.all([first, ...rest])).toEqual([10, 20, 30, 40]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });
});
