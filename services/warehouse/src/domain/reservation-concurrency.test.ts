import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId, openDatabase, type DatabaseHandle } from "@wms/db";
import { RedlockManager } from "@wms/locks";
import { freePort, rejection, TEST_REDIS_URL } from "@wms/testing";
import { warehouseService } from "../module.js";
import { queuedLocks } from "@wms/locks";
import { InMemoryCatalog } from "../testing/catalog.js";
import { assertLedgerMatchesLevels, noLocks, openTestDatabase, sellerWorld, testDomain } from "../testing/fixtures.js";

// Two warehouse-service instances, each with its own pool and its own lock manager (a local
// queue in front of Redlock on the real Redis, as module.ts builds it): two replicas.
let database: Awaited<ReturnType<typeof openTestDatabase>>;
let secondPool: DatabaseHandle;
const catalog = new InMemoryCatalog();
const closers: Array<() => Promise<void>> = [];
const prefix = `wms:test:${newId()}:`;
const redlock = (url = TEST_REDIS_URL, ttlMs = 2_000) => {
  const manager = queuedLocks(new RedlockManager({ urls: [url], ttlMs, retryDelayMs: 5, retryJitterMs: 5, prefix }));
  closers.push(() => manager.close());
  return manager;
};
const soon = (ms = 25_000) => new Date(Date.now() + ms);

beforeAll(async () => {
  database = await openTestDatabase("wh_concurrency");
  secondPool = await openDatabase({ url: database.url, dataDir: ".data", service: "warehouse", migrationsFolder: warehouseService.migrationsFolder, poolSize: 10 });
});
afterAll(async () => {
  for (const close of closers) await close();
  await secondPool?.close();
  await database?.drop();
});

function replicas() {
  const a = testDomain(database.db, { catalog, locks: redlock() });
  const b = testDomain(secondPool.db, { catalog, locks: redlock(), clock: a.clock });
  return [a, b] as const;
}

describe("reservations under contention", () => {
  it("lets exactly 50 of 200 concurrent one-unit reservations through two replicas succeed", async () => {
    const [a, b] = replicas();
    const w = await sellerWorld(a.domain, catalog, [20, 20, 10]);
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) =>
        (i % 2 === 0 ? a : b).domain.reservations.reserveStock({
          reservationId: newId(),
          lines: [{ productId: w.productId, quantity: 1 }],
          expireTime: new Date(a.clock.ms + 60_000),
          deadline: soon(),
        }),
      ),
    );
    const failures = results.flatMap((r) => (r.status === "rejected" ? [r.reason as { reason?: string }] : []));
    expect(results.length - failures.length).toBe(50);
    expect(new Set(failures.map((f) => f.reason))).toEqual(new Set(["INSUFFICIENT_STOCK"]));
    const levels = await a.domain.stock.listStockLevels(w.sellerId, w.productId);
    expect(levels.map((l) => [l.onHand, l.reserved])).toEqual([
      [20, 20],
      [20, 20],
      [10, 10],
    ]);
    await assertLedgerMatchesLevels(database.db);
  });

  it("never deadlocks on multi-line reservations taking the same SKUs in opposite orders", async () => {
    const [a, b] = replicas();
    const w = await sellerWorld(a.domain, catalog, [15, 15]);
    const other = catalog.addProduct(w.shopId);
    for (const [i, warehouseId] of w.warehouseIds.entries()) {
      await a.domain.stock.addStock(w.sellerId, { warehouseId, productId: other, quantity: 15, idempotencyKey: `other-${i}` });
    }
    // Half through Redlock replicas, half with no lock at all (every lock lost): row locks in
    // one order must keep even those free of deadlocks.
    const unlocked = testDomain(database.db, { catalog, locks: noLocks, clock: a.clock });
    const results = await Promise.allSettled(
      Array.from({ length: 60 }, (_, i) => {
        const lines = [
          { productId: w.productId, quantity: 1 },
          { productId: other, quantity: 1 },
        ];
        const d = [a, b, unlocked][i % 3]!;
        return d.domain.reservations.reserveStock({
          reservationId: newId(),
          lines: i % 2 === 0 ? lines : lines.reverse(),
          expireTime: new Date(a.clock.ms + 60_000),
          deadline: soon(),
        });
      }),
    );
    const failures = results.flatMap((r) => (r.status === "rejected" ? [r.reason as { reason?: string }] : []));
    expect(results.length - failures.length).toBe(30);
    expect(new Set(failures.map((f) => f.reason))).toEqual(new Set(["INSUFFICIENT_STOCK"]));
    await assertLedgerMatchesLevels(database.db);
  });

  it("never oversells when a lock expires under a paused holder", async () => {
    // Two replicas with 50 ms locks; the first pauses after planning, so the second gets the
    // lock while the first still believes it holds it. Only the database condition stands between.
    let firstPlanned!: () => void;
    let resume!: () => void;
    const planned = new Promise<void>((resolve) => (firstPlanned = resolve));
    const gate = new Promise<void>((resolve) => (resume = resolve));
    const paused = testDomain(database.db, {
      catalog,
      locks: redlock(TEST_REDIS_URL, 50),
      afterAllocate: async () => {
        firstPlanned();
        await gate;
      },
    });
    const other = testDomain(secondPool.db, { catalog, locks: redlock(TEST_REDIS_URL, 50), clock: paused.clock });
    const w = await sellerWorld(other.domain, catalog, [10]);
    const reserveAll = (d: typeof paused) =>
      d.domain.reservations.reserveStock({
        reservationId: newId(),
        lines: [{ productId: w.productId, quantity: 10 }],
        expireTime: new Date(paused.clock.ms + 60_000),
        deadline: soon(5_000),
      });
    const first = reserveAll(paused);
    await planned;
    // Completes only because the first holder's lock expired.
    expect((await reserveAll(other)).status).toBe("HELD");
    resume();
    expect(await rejection(first)).toMatchObject({ reason: "INSUFFICIENT_STOCK" });
    const levels = await other.domain.stock.listStockLevels(w.sellerId, w.productId);
    expect(levels.map((l) => [l.onHand, l.reserved])).toEqual([[10, 10]]);
    await assertLedgerMatchesLevels(database.db);
  });
});

describe("reservations without Redis", () => {
  it("fail fast with UNAVAILABLE when no Redis answers, changing nothing", async () => {
    const down = testDomain(database.db, { catalog, locks: redlock("redis://127.0.0.1:6399") });
    const w = await sellerWorld(down.domain, catalog, [5]);
    const id = newId();
    const err = await rejection(
      down.domain.reservations.reserveStock({ reservationId: id, lines: [{ productId: w.productId, quantity: 1 }], expireTime: new Date(down.clock.ms + 60_000) }),
    );
    // UNAVAILABLE, not ABORTED LOCK_TIMEOUT: it did not wait out the lock deadline.
    expect(err).toMatchObject({ kind: "UNAVAILABLE", reason: "LOCK_SERVICE_UNAVAILABLE" });
    expect(await down.repo.findReservation(id)).toBeUndefined();
    expect((await down.domain.stock.listStockLevels(w.sellerId, w.productId)).map((l) => l.reserved)).toEqual([0]);
  });

  it("work again once Redis is back", async () => {
    const port = await freePort();
    let redis = await startRedis(port);
    try {
      const d = testDomain(database.db, { catalog, locks: redlock(`redis://127.0.0.1:${port}`) });
      const w = await sellerWorld(d.domain, catalog, [5]);
      const reserveOne = (reservationId = newId()) =>
        d.domain.reservations.reserveStock({ reservationId, lines: [{ productId: w.productId, quantity: 1 }], expireTime: new Date(d.clock.ms + 60_000) });
      expect((await reserveOne()).status).toBe("HELD");

      await stopRedis(redis);
      const id = newId();
      expect(await rejection(reserveOne(id))).toMatchObject({ kind: "UNAVAILABLE" });
      expect(await d.repo.findReservation(id)).toBeUndefined();

      redis = await startRedis(port);
      let outcome: unknown;
      for (let attempt = 0; attempt < 50; attempt++) {
        outcome = await reserveOne(id).catch((e: unknown) => e);
        if (!(outcome instanceof Error)) break;
        await new Promise((r) => setTimeout(r, 100)); // the client reconnects within a second
      }
      expect(outcome).toMatchObject({ reservationId: id, status: "HELD" });
      expect((await d.domain.stock.listStockLevels(w.sellerId, w.productId)).map((l) => l.reserved)).toEqual([2]);
      await assertLedgerMatchesLevels(database.db);
    } finally {
      await stopRedis(redis);
    }
  });
});

/** A throwaway Redis of our own (so it can be killed), ready when it says so. */
async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("redis-server did not start")), 5_000);
    child.once("error", reject);
    child.stdout?.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("Ready to accept connections")) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return child;
}

async function stopRedis(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGKILL");
  await exited;
}
