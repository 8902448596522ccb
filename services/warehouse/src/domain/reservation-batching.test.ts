import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "@wms/db";
import { errors } from "@wms/errors";
import type { LockManager } from "@wms/locks";
import { rejection } from "@wms/testing";
import { assertLedgerMatchesLevels, openTestDatabase, sellerWorld, testDomain } from "../testing/fixtures.js";
import { countedReservations, gatedLocks, pausedAfterPlanning, queued } from "../testing/batching.js";
import type { Reservation } from "./reservation-model.js";

// Reservations queued in one process are served in batches: one read and one all-or-nothing
// write each. These tests count batches and transactions through a repo wrapper (never a
// timing) and check that batching keeps every guarantee of a lone reservation.

let database: Awaited<ReturnType<typeof openTestDatabase>>;
beforeAll(async () => {
  database = await openTestDatabase("wh_batching");
});
afterAll(async () => {
  await database?.drop();
});

const settled = <T>(p: Promise<T>) => p.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }));
const held = (r: Reservation, productId: string) => r.allocations.filter((a) => a.productId === productId).reduce((s, a) => s + a.quantity, 0);

describe("batched reservations", () => {
  it("serves the requests queued behind a lock holder in ONE transaction", async () => {
    const base = testDomain(database.db);
    const w = await sellerWorld(base.domain, base.catalog, [1000]);
    let planned!: () => void;
    let resume!: () => void;
    const firstPlanned = new Promise<void>((r) => (planned = r));
    const gate = new Promise<void>((r) => (resume = r));
    let calls = 0;
    const { reservations, stats } = countedReservations(database.db, base.clock, {
      afterAllocate: async () => {
        if ((calls += 1) > 1) return;
        planned();
        await gate; // the first batch holds the SKU lock here while the others queue
      },
    });
    const reserve = () =>
      reservations.reserveStock({ reservationId: newId(), lines: [{ productId: w.productId, quantity: 1 }], expireTime: new Date(base.clock.ms + 60_000) });
    const first = reserve();
    await firstPlanned;
    const rest = Array.from({ length: 40 }, reserve);
    await queued(stats, 41);
    resume();
    const all = await Promise.all([first, ...rest]);
    expect(all.every((r) => r.status === "HELD" && held(r, w.productId) === 1)).toBe(true);
    expect(stats.batches).toEqual([1, 40]);
    expect(stats.transactions).toBe(0); // each batch is one read and one all-or-nothing write
    expect((await base.domain.stock.listStockLevels(w.sellerId, w.productId)).map((l) => l.reserved)).toEqual([41]);
    await assertLedgerMatchesLevels(database.db);
  });

  it("caps a batch at maxBatch and keeps FIFO order across batches", async () => {
    const base = testDomain(database.db);
    const w = await sellerWorld(base.domain, base.catalog, [10]);
    const { locks, open } = gatedLocks();
    const { reservations, stats } = countedReservations(database.db, base.clock, { locks, maxBatch: 4 });
    // 12 buyers of 1 unit on 10 units: the first 10 in arrival order win, whatever the batches.
    const runs = [];
    for (let i = 0; i < 12; i++) {
      runs.push(settled(reservations.reserveStock({ reservationId: newId(), lines: [{ productId: w.productId, quantity: 1 }], expireTime: new Date(base.clock.ms + 60_000) })));
      await queued(stats, runs.length); // in this order
    }
    open();
    const outcomes = await Promise.all(runs);
    expect(outcomes.map((o) => o.ok)).toEqual([...Array(10).fill(true), false, false]);
    expect(stats.batches).toEqual([4, 4, 4]);
    for (const o of outcomes.slice(10)) {
      expect(o.ok ? undefined : o.error).toMatchObject({ reason: "INSUFFICIENT_STOCK", metadata: { productId: w.productId, requested: "1", available: "0" } });
    }
    await assertLedgerMatchesLevels(database.db);
  });

  it("mixes multi-line and single-line orders in one batch, all or nothing each, with replays and a shortage inside", async () => {
    const base = testDomain(database.db);
    const w = await sellerWorld(base.domain, base.catalog, [6, 5]);
    const a = w.productId;
    const b = base.catalog.addProduct(w.shopId);
    await base.domain.stock.addStock(w.sellerId, { warehouseId: w.warehouseIds[0]!, productId: b, quantity: 3, idempotencyKey: "b" });
    const expireTime = new Date(base.clock.ms + 60_000);
    const old = await base.domain.reservations.reserveStock({ reservationId: newId(), lines: [{ productId: a, quantity: 1 }], expireTime });
    // A: 10 available over two warehouses, B: 3. The first request's keys cover every other's, so
    // its holder takes them all (a B-only request would queue for B on its own, ahead of it).
    const { locks, open } = gatedLocks();
    const { reservations, stats } = countedReservations(database.db, base.clock, { locks });
    const m1Id = newId();
    const requests: Array<{ id: string; lines: Array<{ productId: string; quantity: number }> }> = [
      { id: newId(), lines: [{ productId: a, quantity: 1 }, { productId: b, quantity: 1 }] }, // first: its drainer holds A and B
      { id: newId(), lines: [{ productId: a, quantity: 2 }] },
      { id: m1Id, lines: [{ productId: b, quantity: 1 }, { productId: a, quantity: 3 }] },
      { id: newId(), lines: [{ productId: a, quantity: 1 }, { productId: b, quantity: 2 }] }, // only 1 of B left by now: refused whole
      { id: newId(), lines: [{ productId: a, quantity: 4 }, { productId: b, quantity: 1 }] }, // exactly what is left
      { id: newId(), lines: [{ productId: a, quantity: 1 }] }, // none of A left: refused
      { id: old.reservationId, lines: [{ productId: a, quantity: 1 }] }, // a replay of a stored one
      { id: m1Id, lines: [{ productId: b, quantity: 1 }, { productId: a, quantity: 3 }] }, // a replay inside the rush
    ];
    const runs = [];
    for (const r of requests) {
      runs.push(settled(reservations.reserveStock({ reservationId: r.id, lines: r.lines, expireTime })));
      await queued(stats, runs.length); // in this order
    }
    open();
    const outcomes = await Promise.all(runs);
    expect(outcomes.map((o) => o.ok)).toEqual([true, true, true, false, true, false, true, true]);
    // One transaction for the first seven; the repeated id waits for the next and replays.
    expect(stats.batches).toEqual([7, 1]);
    outcomes.forEach((o, i) => {
      if (!o.ok) return;
      for (const line of requests[i]!.lines) expect(held(o.value, line.productId)).toBe(line.quantity);
    });
    expect(outcomes[3]).toMatchObject({ ok: false, error: { reason: "INSUFFICIENT_STOCK", metadata: { productId: b, requested: "2", available: "1" } } });
    expect(outcomes[5]).toMatchObject({ ok: false, error: { reason: "INSUFFICIENT_STOCK", metadata: { productId: a, requested: "1", available: "0" } } });
    expect(outcomes[6]).toEqual({ ok: true, value: old });
    expect(outcomes[7]).toEqual(outcomes[2]);
    // The refused ones hold nothing and left no reservation behind.
    expect(await base.repo.findReservation(requests[3]!.id)).toBeUndefined();
    expect(await base.repo.findReservation(requests[5]!.id)).toBeUndefined();
    const levels = async (productId: string) => (await base.domain.stock.listStockLevels(w.sellerId, productId)).map((l) => [l.onHand, l.reserved]);
    expect(await levels(a)).toEqual([[6, 6], [5, 5]]);
    expect((await levels(b)).filter(([onHand]) => onHand! > 0)).toEqual([[3, 3]]);
    await assertLedgerMatchesLevels(database.db);
  });

  it("fails a queued request whose deadline passes before its batch runs with ABORTED LOCK_TIMEOUT, holding nothing", async () => {
    const base = testDomain(database.db);
    const w = await sellerWorld(base.domain, base.catalog, [5]);
    const { locks, open } = gatedLocks();
    const { reservations } = countedReservations(database.db, base.clock, { locks });
    const expireTime = new Date(base.clock.ms + 60_000);
    const patient = reservations.reserveStock({ reservationId: newId(), lines: [{ productId: w.productId, quantity: 1 }], expireTime });
    const hasty = newId();
    const err = await rejection(
      reservations.reserveStock({ reservationId: hasty, lines: [{ productId: w.productId, quantity: 1 }], expireTime, deadline: new Date(Date.now() + 30) }),
    );
    expect(err).toMatchObject({ kind: "ABORTED", reason: "LOCK_TIMEOUT" });
    open();
    expect((await patient).status).toBe("HELD");
    expect(await base.repo.findReservation(hasty)).toBeUndefined();
    expect((await base.domain.stock.listStockLevels(w.sellerId, w.productId)).map((l) => l.reserved)).toEqual([1]);
    await assertLedgerMatchesLevels(database.db);
  });

  it("fails only the oldest queued request when the lock service fails once; the rest get the lock", async () => {
    const base = testDomain(database.db);
    const w = await sellerWorld(base.domain, base.catalog, [5]);
    const gated = gatedLocks();
    let failures = 0;
    const flaky: LockManager = {
      withLocks: (keys, options, work) =>
        failures++ === 0
          ? gated.locks.withLocks(keys, options, async () => {
              throw errors.unavailable("LOCK_SERVICE_UNAVAILABLE", "the lock service (Redis) is unreachable");
            })
          : gated.locks.withLocks(keys, options, work),
      close: async () => undefined,
    };
    const { reservations, stats } = countedReservations(database.db, base.clock, { locks: flaky });
    const expireTime = new Date(base.clock.ms + 60_000);
    const runs = [];
    for (let i = 0; i < 3; i++) {
      runs.push(settled(reservations.reserveStock({ reservationId: newId(), lines: [{ productId: w.productId, quantity: 1 }], expireTime })));
      await queued(stats, runs.length);
    }
    gated.open();
    const outcomes = await Promise.all(runs);
    expect(outcomes.map((o) => o.ok)).toEqual([false, true, true]);
    expect(outcomes[0]).toMatchObject({ ok: false, error: { kind: "UNAVAILABLE", reason: "LOCK_SERVICE_UNAVAILABLE" } });
    expect(stats.batches).toEqual([2]);
    await assertLedgerMatchesLevels(database.db);
  });

  it("falls back to one by one when units went to another process after the batch was planned", async () => {
    const base = testDomain(database.db);
    const w = await sellerWorld(base.domain, base.catalog, [10]);
    const { reservations, stats, open, planned: batchPlanned, resume } = pausedAfterPlanning(database.db, base.clock);
    const expireTime = new Date(base.clock.ms + 60_000);
    const runs = [];
    for (let i = 0; i < 4; i++) {
      runs.push(settled(reservations.reserveStock({ reservationId: newId(), lines: [{ productId: w.productId, quantity: 3 }], expireTime })));
      await queued(stats, runs.length); // in this order
    }
    open();
    await batchPlanned; // planned 3 + 3 + 3 of 10 (the fourth refused), not yet written
    // Another process, with its own lock queue, takes 5 units meanwhile.
    const other = countedReservations(database.db, base.clock);
    expect((await other.reservations.reserveStock({ reservationId: newId(), lines: [{ productId: w.productId, quantity: 5 }], expireTime })).status).toBe("HELD");
    resume();
    const outcomes = await Promise.all(runs);
    // The batch's guarded update missed (9 > 5 left) and rolled back; served one by one, only the first fits.
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, false, false]);
    expect(stats.transactions).toBe(4); // the batch's write changed nothing; then 4 alone
    for (const o of outcomes.slice(1)) expect(o.ok ? undefined : o.error).toMatchObject({ reason: "INSUFFICIENT_STOCK" });
    expect((await base.domain.stock.listStockLevels(w.sellerId, w.productId)).map((l) => [l.onHand, l.reserved])).toEqual([[10, 8]]);
    await assertLedgerMatchesLevels(database.db);
  });

  it("writes nothing of a batch when one of its ids was reserved by another process after planning, then serves each alone", async () => {
    const base = testDomain(database.db);
    const w = await sellerWorld(base.domain, base.catalog, [10]);
    const { reservations, stats, open, planned: batchPlanned, resume } = pausedAfterPlanning(database.db, base.clock);
    const expireTime = new Date(base.clock.ms + 60_000);
    const ids = [newId(), newId(), newId()];
    const runs = [];
    for (const id of ids) {
      runs.push(settled(reservations.reserveStock({ reservationId: id, lines: [{ productId: w.productId, quantity: 2 }], expireTime })));
      await queued(stats, runs.length);
    }
    open();
    await batchPlanned;
    // The same id arrives at another replica (a client's retry) and is reserved there first.
    const other = countedReservations(database.db, base.clock);
    const first = await other.reservations.reserveStock({ reservationId: ids[1]!, lines: [{ productId: w.productId, quantity: 2 }], expireTime });
    resume();
    const outcomes = await Promise.all(runs);
    expect(outcomes.map((o) => o.ok)).toEqual([true, true, true]);
    expect(outcomes[1]).toEqual({ ok: true, value: first }); // the replay answers what the other stored
    expect(stats.batches).toEqual([3]);
    expect(stats.transactions).toBe(3); // the batch's write changed nothing; each was served alone
    // 2 units each for three reservations, not four: nothing of the raced write stayed.
    expect((await base.domain.stock.listStockLevels(w.sellerId, w.productId)).map((l) => [l.onHand, l.reserved])).toEqual([[10, 6]]);
    await assertLedgerMatchesLevels(database.db);
  });

  it("sells exactly the stock to 240 concurrent buyers through two processes' queues, multi-line orders whole", async () => {
    const base = testDomain(database.db);
    const w = await sellerWorld(base.domain, base.catalog, [20, 20, 10]);
    const a = w.productId;
    const b = base.catalog.addProduct(w.shopId);
    await base.domain.stock.addStock(w.sellerId, { warehouseId: w.warehouseIds[1]!, productId: b, quantity: 30, idempotencyKey: "b" });
    // Two processes: separate lock queues that do not exclude each other, so their batches race
    // and only the database's guarded updates keep the count.
    const replicas = [countedReservations(database.db, base.clock), countedReservations(database.db, base.clock)];
    const expireTime = new Date(base.clock.ms + 60_000);
    const requests = Array.from({ length: 240 }, (_, i) => ({
      id: newId(),
      lines: i % 3 === 0 ? [{ productId: a, quantity: 1 }, { productId: b, quantity: 1 }] : [{ productId: i % 3 === 1 ? a : b, quantity: 1 }],
    }));
    const outcomes = await Promise.all(
      requests.map((r, i) => settled(replicas[i % 2]!.reservations.reserveStock({ reservationId: r.id, lines: r.lines, expireTime, deadline: new Date(Date.now() + 30_000) }))),
    );
    const failures = outcomes.flatMap((o) => (o.ok ? [] : [o.error as { reason?: string }]));
    expect(new Set(failures.map((f) => f.reason))).toEqual(new Set(["INSUFFICIENT_STOCK"]));
    let soldA = 0;
    let soldB = 0;
    outcomes.forEach((o, i) => {
      if (!o.ok) return;
      for (const line of requests[i]!.lines) expect(held(o.value, line.productId)).toBe(line.quantity);
      soldA += held(o.value, a);
      soldB += held(o.value, b);
    });
    // Demand is 160 of A and 160 of B: every unit sells, and not one more.
    expect([soldA, soldB]).toEqual([50, 30]);
    const levels = await base.domain.stock.listStockLevels(w.sellerId, a);
    expect(levels.every((l) => l.reserved === l.onHand)).toBe(true);
    // Batching happened: fewer batches than buyers.
    const stats = replicas.map((r) => r.stats);
    expect(stats.some((s) => s.batches.some((n) => n > 1))).toBe(true);
    await assertLedgerMatchesLevels(database.db);
  });
  it("settles a rush of commits and releases in one transaction; replays, expired and unknown ids are answered alone", async () => {
    const base = testDomain(database.db);
    const w = await sellerWorld(base.domain, base.catalog, [100]);
    const reserveTwo = (minutes: number) =>
      base.domain.reservations.reserveStock({ reservationId: newId(), lines: [{ productId: w.productId, quantity: 2 }], expireTime: new Date(base.clock.ms + minutes * 60_000) });
    const holds: Reservation[] = [];
    for (let i = 0; i < 30; i++) holds.push(await reserveTwo(60));
    const expiring = await reserveTwo(1);
    const paidBefore = await base.domain.reservations.commitReservation((await reserveTwo(60)).reservationId);
    base.clock.advance(2 * 60_000);
    const { reservations, stats } = countedReservations(database.db, base.clock);
    const unknown = newId();
    const calls = [
      ...holds.slice(0, 20).map((r) => settled(reservations.commitReservation(r.reservationId))),
      ...holds.slice(20).map((r) => settled(reservations.releaseReservation(r.reservationId))),
      settled(reservations.commitReservation(expiring.reservationId)),
      settled(reservations.commitReservation(paidBefore.reservationId)),
      settled(reservations.releaseReservation(unknown)),
    ];
    const outcomes = await Promise.all(calls);
    // The 33 calls made together went in one transaction, which settled the 30 still HELD; the
    // 3 others were answered one by one.
    expect(stats.transactions).toBe(1 + 3);
    outcomes.slice(0, 30).forEach((o, i) => {
      expect(o).toMatchObject({ ok: true, value: { reservationId: holds[i]!.reservationId, status: i < 20 ? "COMMITTED" : "RELEASED" } });
      if (o.ok) expect(held(o.value, w.productId)).toBe(2);
    });
    expect(outcomes[30]).toMatchObject({ ok: false, error: { reason: "RESERVATION_EXPIRED" } });
    expect(outcomes[31]).toEqual({ ok: true, value: paidBefore });
    expect(outcomes[32]).toMatchObject({ ok: true, value: { reservationId: unknown, status: "RELEASED", allocations: [] } });
    // 21 paid reservations of 2 units shipped; only the expired one (not yet swept) still holds.
    expect((await base.domain.stock.listStockLevels(w.sellerId, w.productId)).map((l) => [l.onHand, l.reserved])).toEqual([[58, 2]]);
    await assertLedgerMatchesLevels(database.db);
  });
});
