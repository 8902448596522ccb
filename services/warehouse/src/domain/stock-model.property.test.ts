import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { DomainError } from "@wms/errors";
import { newId } from "@wms/db";
import { assertLedgerMatchesLevels, sellerWorld, useTestDomain } from "../testing/fixtures.js";
import { byLevel, planAllocations, type PlannedAllocation } from "./allocation.js";
import type { AdjustInput, StockChange } from "./adjustments.js";

// Random sequences of every stock operation, run against the database and against a model in
// memory: after each step the levels, the availability and the outcome must agree with the
// model, and the ledger invariant must hold.

const t = useTestDomain("wh_property");

const W = 3;
const P = 2;
type Command =
  | { op: "add"; w: number; p: number; q: number }
  | { op: "transfer"; from: number; to: number; p: number; q: number }
  | { op: "status"; w: number; active: boolean }
  | { op: "adjust"; w: number; p: number; change: StockChange; replay: boolean }
  | { op: "reserve"; lines: Array<{ p: number; q: number }>; minutes: number; reuse: number | null }
  | { op: "commit" | "release"; pick: number }
  | { op: "tick" }
  | { op: "sweep" };

const wh = fc.integer({ min: 0, max: W - 1 });
const pr = fc.integer({ min: 0, max: P - 1 });
// Weighted so that sequences build stock and then reserve, settle and expire it often, and
// switch warehouses off often enough that adds and transfers into inactive ones come up;
// adjustments (by a delta or to a count, replayed now and then) often enough to hit reserved units.
const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant("add" as const), w: wh, p: pr, q: fc.integer({ min: 1, max: 20 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("transfer" as const), from: wh, to: wh, p: pr, q: fc.integer({ min: 1, max: 15 }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant("status" as const), w: wh, active: fc.boolean() }) },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant("adjust" as const),
      w: wh,
      p: pr,
      change: fc.oneof(
        fc.record({ kind: fc.constant("delta" as const), delta: fc.integer({ min: -15, max: 15 }).filter((d) => d !== 0) }),
        fc.record({ kind: fc.constant("counted" as const), countedOnHand: fc.integer({ min: 0, max: 30 }) }),
      ),
      replay: fc.boolean(),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant("reserve" as const),
      lines: fc.array(fc.record({ p: pr, q: fc.integer({ min: 1, max: 10 }) }), { minLength: 1, maxLength: 3 }),
      minutes: fc.constantFrom(5, 15),
      reuse: fc.option(fc.nat(), { nil: null, freq: 4 }),
    }),
  },
  { weight: 4, arbitrary: fc.record({ op: fc.constantFrom("commit" as const, "release" as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.constant({ op: "tick" as const }) },
  { weight: 1, arbitrary: fc.constant({ op: "sweep" as const }) },
);
/** Some stock in every warehouse first, so reservations have something to take. */
const opening: Command[] = Array.from({ length: W * P }, (_, i) => ({ op: "add" as const, w: i % W, p: Math.floor(i / W), q: 10 }));

interface ModelReservation {
  status: "HELD" | "COMMITTED" | "RELEASED";
  allocations: PlannedAllocation[];
  expireMs: number;
}

async function run(commands: Command[]): Promise<void> {
  const world = await sellerWorld(t.domain, t.catalog, [0, 0, 0]);
  // In id order, as the database lists levels: ids made within one millisecond are not in
  // creation order.
  const warehouses = [...world.warehouseIds].sort();
  const products = [world.productId, t.catalog.addProduct(world.shopId)];
  const levels = new Map<string, { onHand: number; reserved: number }>();
  const active = warehouses.map(() => true);
  const reservations = new Map<string, ModelReservation>();
  const ids: string[] = [];
  /** The last adjustment that went through, and its answer: what a replay must give back. */
  let lastAdjustment: { request: AdjustInput; movementId: string } | undefined;
  const level = (w: string, p: string) => levels.get(`${w}/${p}`) ?? { onHand: 0, reserved: 0 };
  const change = (w: string, p: string, onHand: number, reserved: number) => {
    const l = level(w, p);
    levels.set(`${w}/${p}`, { onHand: l.onHand + onHand, reserved: l.reserved + reserved });
  };
  const outcome = async (p: Promise<unknown>) => p.then(() => "ok", (e: unknown) => (e instanceof DomainError ? e.reason : `unexpected ${String(e)}`));

  for (const c of [...opening, ...commands]) {
    if (c.op === "add") {
      // An inactive warehouse receives nothing; the levels checked below show nothing changed.
      const [w, p] = [warehouses[c.w]!, products[c.p]!];
      const got = await outcome(t.domain.stock.addStock(world.sellerId, { warehouseId: w, productId: p, quantity: c.q, idempotencyKey: newId() }));
      expect(got).toBe(active[c.w] ? "ok" : "WAREHOUSE_INACTIVE");
      if (active[c.w]) change(w, p, c.q, 0);
    } else if (c.op === "transfer") {
      // An inactive warehouse may send but not receive; its status is checked before the stock.
      const [from, to, p] = [warehouses[c.from]!, warehouses[c.to]!, products[c.p]!];
      const got = await outcome(t.domain.transfers.transferStock(world.sellerId, { fromWarehouseId: from, toWarehouseId: to, productId: p, quantity: c.q, idempotencyKey: newId() }));
      const l = level(from, p);
      const expected =
        from === to ? "INVALID_FIELDS" : !active[c.to] ? "WAREHOUSE_INACTIVE" : l.onHand - l.reserved >= c.q ? "ok" : "INSUFFICIENT_STOCK";
      expect(got).toBe(expected);
      if (expected === "ok") {
        change(from, p, -c.q, 0);
        change(to, p, c.q, 0);
      }
    } else if (c.op === "adjust") {
      // Any warehouse, active or not; on_hand never below reserved; a replay changes nothing.
      if (c.replay && lastAdjustment) {
        const again = await t.domain.adjustments.adjustStock(world.sellerId, lastAdjustment.request);
        expect(again.movement.movementId).toBe(lastAdjustment.movementId);
      } else {
        const [w, p] = [warehouses[c.w]!, products[c.p]!];
        const request: AdjustInput = { warehouseId: w, productId: p, change: c.change, reason: "COUNT_CORRECTION", note: "", idempotencyKey: newId() };
        const before = level(w, p);
        const target = c.change.kind === "delta" ? before.onHand + c.change.delta : c.change.countedOnHand;
        const got = await t.domain.adjustments.adjustStock(world.sellerId, request).then((v) => v, (e: unknown) => e);
        if (target < before.reserved) {
          expect(got).toMatchObject({ reason: "BELOW_RESERVED" });
        } else {
          expect(got).toMatchObject({ level: { onHand: target, reserved: before.reserved }, movement: { kind: "ADJUSTMENT", quantity: target - before.onHand } });
          change(w, p, target - before.onHand, 0);
          lastAdjustment = { request, movementId: (got as { movement: { movementId: string } }).movement.movementId };
        }
      }
    } else if (c.op === "status") {
      await t.domain.warehouses.setWarehouseStatus(world.sellerId, { warehouseId: warehouses[c.w]!, status: c.active ? "ACTIVE" : "INACTIVE" });
      active[c.w] = c.active;
    } else if (c.op === "reserve") {
      const id = c.reuse !== null && ids.length > 0 ? ids[c.reuse % ids.length]! : newId();
      const lines = c.lines.map((l) => ({ productId: products[l.p]!, quantity: l.q }));
      const expireMs = t.clock.ms + c.minutes * 60_000;
      const stored = reservations.get(id);
      const got = await t.domain.reservations.reserveStock({ reservationId: id, lines, expireTime: new Date(expireMs) }).then(
        (v) => v,
        (e: unknown) => e,
      );
      if (!ids.includes(id)) ids.push(id);
      if (stored) {
        expect(got).toMatchObject({ status: stored.status });
        continue;
      }
      const merged = new Map<string, number>();
      for (const l of lines) merged.set(l.productId, (merged.get(l.productId) ?? 0) + l.quantity);
      const available = warehouses.flatMap((w, i) =>
        active[i] ? products.map((p) => ({ warehouseId: w, productId: p, available: level(w, p).onHand - level(w, p).reserved })) : [],
      );
      let plan: PlannedAllocation[] | undefined;
      try {
        plan = planAllocations([...merged].map(([productId, quantity]) => ({ productId, quantity })).sort((a, b) => (a.productId < b.productId ? -1 : 1)), available);
      } catch {
        plan = undefined;
      }
      if (!plan) {
        expect(got).toMatchObject({ reason: "INSUFFICIENT_STOCK" });
        continue;
      }
      expect(got).toMatchObject({ status: "HELD" });
      const allocations = (got as { allocations: PlannedAllocation[] }).allocations.map((a) => ({ productId: a.productId, warehouseId: a.warehouseId, quantity: a.quantity }));
      expect(allocations).toEqual([...plan].sort(byLevel));
      for (const a of plan) change(a.warehouseId, a.productId, 0, a.quantity);
      reservations.set(id, { status: "HELD", allocations: plan, expireMs });
    } else if (c.op === "commit" || c.op === "release") {
      const id = ids.length > 0 ? ids[c.pick % ids.length]! : newId();
      const r = reservations.get(id);
      const got = await outcome(c.op === "commit" ? t.domain.reservations.commitReservation(id) : t.domain.reservations.releaseReservation(id));
      if (c.op === "commit") {
        const expected = !r ? "RESERVATION_NOT_FOUND" : r.status === "RELEASED" ? "RESERVATION_RELEASED" : r.status === "COMMITTED" ? "ok" : r.expireMs <= t.clock.ms ? "RESERVATION_EXPIRED" : "ok";
        expect(got).toBe(expected);
        if (r?.status === "HELD" && expected === "ok") {
          for (const a of r.allocations) change(a.warehouseId, a.productId, -a.quantity, -a.quantity);
          r.status = "COMMITTED";
        }
      } else {
        expect(got).toBe(r?.status === "COMMITTED" ? "RESERVATION_COMMITTED" : "ok");
        if (!r) reservations.set(id, { status: "RELEASED", allocations: [], expireMs: t.clock.ms });
        if (r?.status === "HELD") {
          for (const a of r.allocations) change(a.warehouseId, a.productId, 0, -a.quantity);
          r.status = "RELEASED";
        }
      }
    } else if (c.op === "tick") {
      // Time passes without a sweep: expired reservations stay HELD until one runs.
      t.clock.advance(5 * 60_000);
    } else {
      while ((await t.domain.releaseExpired(50)) > 0);
      for (const r of reservations.values()) {
        if (r.status !== "HELD" || r.expireMs > t.clock.ms) continue;
        for (const a of r.allocations) change(a.warehouseId, a.productId, 0, -a.quantity);
        r.status = "RELEASED";
      }
    }

    for (const p of products) {
      const actual = await t.domain.stock.listStockLevels(world.sellerId, p);
      const expected = warehouses.map((w) => ({ warehouseId: w, ...level(w, p) })).filter((l) => levels.has(`${l.warehouseId}/${p}`));
      expect(actual.map((l) => ({ warehouseId: l.warehouseId, onHand: l.onHand, reserved: l.reserved }))).toEqual(expected);
    }
    const availability = await t.domain.stock.getAvailability(products);
    expect(availability.map((a) => a.availableQuantity)).toEqual(
      products.map((p) => warehouses.reduce((sum, w, i) => sum + (active[i] ? level(w, p).onHand - level(w, p).reserved : 0), 0)),
    );
    await assertLedgerMatchesLevels(t.db, products);
  }
}

describe("stock model", () => {
  it("agrees with the database after every step of random add/transfer/status/adjust/reserve/commit/release/tick/sweep sequences", async () => {
    await fc.assert(fc.asyncProperty(fc.array(command, { minLength: 5, maxLength: 30 }), run), { numRuns: 12 });
    // The whole database, every world of every run, once at the end.
    await assertLedgerMatchesLevels(t.db);
  });
});
