import { describe, expect, it } from "vitest";
import { newId } from "@wms/db";
import { rejection } from "@wms/testing";
import { assertLedgerMatchesLevels, sellerWorld, testDomain, useTestDomain } from "../testing/fixtures.js";

const t = useTestDomain("wh_reservations");

const inMinutes = (n: number) => new Date(t.clock.ms + n * 60_000);
const reserve = (reservationId: string, lines: Array<{ productId: string; quantity: number }>, expireTime = inMinutes(15)) =>
  t.domain.reservations.reserveStock({ reservationId, lines, expireTime });

async function levels(sellerId: string, productId: string): Promise<Array<[number, number]>> {
  return (await t.domain.stock.listStockLevels(sellerId, productId)).map((l) => [l.onHand, l.reserved]);
}

describe("reserveStock", () => {
  it("allocates one warehouse when one suffices, else splits largest first; replays return the same", async () => {
    const w = await sellerWorld(t.domain, t.catalog, [100, 50, 70]);
    await t.domain.warehouses.setWarehouseStatus(w.sellerId, { warehouseId: w.warehouseIds[2]!, status: "INACTIVE" });
    const single = await reserve(newId(), [{ productId: w.productId, quantity: 60 }]);
    expect(single.status).toBe("HELD");
    expect(single.allocations.map((a) => [a.warehouseId, a.quantity])).toEqual([[w.warehouseIds[0], 60]]);
    // 40 left in Main, 50 in Backup, the inactive warehouse's 70 untouchable.
    const id = newId();
    const split = await reserve(id, [
      { productId: w.productId, quantity: 50 },
      { productId: w.productId, quantity: 20 },
    ]);
    expect(split.allocations.map((a) => [a.warehouseId, a.quantity]).sort()).toEqual(
      [
        [w.warehouseIds[0], 20],
        [w.warehouseIds[1], 50],
      ].sort(),
    );
    expect(await reserve(id, [{ productId: w.productId, quantity: 1 }])).toEqual(split);
    expect((await rejection(reserve(newId(), [{ productId: w.productId, quantity: 21 }]))).reason).toBe("INSUFFICIENT_STOCK");
    // A replay asking more than is left now still answers what its id holds, not a shortage.
    expect(await reserve(id, [{ productId: w.productId, quantity: 50 }])).toEqual(split);
    expect(await levels(w.sellerId, w.productId)).toEqual([
      [100, 80],
      [50, 50],
      [70, 0],
    ]);
    await assertLedgerMatchesLevels(t.db);
  });

  it("holds all lines or none", async () => {
    const a = await sellerWorld(t.domain, t.catalog, [5]);
    const b = t.catalog.addProduct(a.shopId);
    await t.domain.stock.addStock(a.sellerId, { warehouseId: a.warehouseIds[0]!, productId: b, quantity: 1, idempotencyKey: "b" });
    const err = await rejection(
      reserve(newId(), [
        { productId: a.productId, quantity: 5 },
        { productId: b, quantity: 2 },
      ]),
    );
    expect(err).toMatchObject({ kind: "FAILED_PRECONDITION", reason: "INSUFFICIENT_STOCK", metadata: { productId: b } });
    expect(await levels(a.sellerId, a.productId)).toEqual([[5, 0]]);
    expect(await levels(a.sellerId, b)).toEqual([[1, 0]]);
  });

  it("validates every field at once", async () => {
    const err = await rejection(
      t.domain.reservations.reserveStock({
        reservationId: "",
        lines: [
          { productId: "nope", quantity: 1 },
          { productId: newId(), quantity: 0 },
        ],
        expireTime: new Date(t.clock.ms - 1),
      }),
    );
    expect(err.kind).toBe("INVALID_ARGUMENT");
    expect(err.fieldViolations.map((v) => v.field)).toEqual(["reservation_id", "expire_time", "lines[0].product_id", "lines[1].quantity"]);
    const empty = await rejection(t.domain.reservations.reserveStock({ reservationId: "r", lines: [], expireTime: undefined }));
    expect(empty.fieldViolations.map((v) => v.field)).toEqual(["lines", "expire_time"]);
  });
});

describe("reserveStock racing a deactivation", () => {
  it("holds nothing in a warehouse switched off between planning and reserving", async () => {
    // The conditional update re-checks the warehouse's status, not just the plan.
    let switchOff: (() => Promise<unknown>) | undefined;
    const racing = testDomain(t.db, {
      catalog: t.catalog,
      clock: t.clock,
      afterAllocate: async () => {
        const once = switchOff;
        switchOff = undefined;
        await once?.();
      },
    });
    const w = await sellerWorld(racing.domain, t.catalog, [5, 3]);
    switchOff = () => racing.domain.warehouses.setWarehouseStatus(w.sellerId, { warehouseId: w.warehouseIds[0]!, status: "INACTIVE" });
    const held = await racing.domain.reservations.reserveStock({
      reservationId: newId(),
      lines: [{ productId: w.productId, quantity: 3 }],
      expireTime: inMinutes(15),
    });
    // Planned on the 5 in the first warehouse; re-planned on the second once that one went off.
    expect(held.allocations.map((a) => [a.warehouseId, a.quantity])).toEqual([[w.warehouseIds[1], 3]]);
    expect(await levels(w.sellerId, w.productId)).toEqual([
      [5, 0],
      [3, 3],
    ]);
    await assertLedgerMatchesLevels(t.db);
  });
});

describe("commit and release", () => {
  it("commits a held reservation once; a replay returns it; release then fails", async () => {
    const w = await sellerWorld(t.domain, t.catalog, [10]);
    const id = newId();
    await reserve(id, [{ productId: w.productId, quantity: 4 }]);
    const committed = await t.domain.reservations.commitReservation(id);
    expect(committed.status).toBe("COMMITTED");
    expect(await t.domain.reservations.commitReservation(id)).toEqual(committed);
    expect((await rejection(t.domain.reservations.releaseReservation(id))).reason).toBe("RESERVATION_COMMITTED");
    expect(await levels(w.sellerId, w.productId)).toEqual([[6, 0]]);
    expect((await rejection(t.domain.reservations.commitReservation(newId()))).reason).toBe("RESERVATION_NOT_FOUND");
    await assertLedgerMatchesLevels(t.db);
  });

  it("releases a held reservation once; commit then fails RESERVATION_RELEASED", async () => {
    const w = await sellerWorld(t.domain, t.catalog, [10]);
    const id = newId();
    await reserve(id, [{ productId: w.productId, quantity: 4 }]);
    const released = await t.domain.reservations.releaseReservation(id);
    expect(released.status).toBe("RELEASED");
    expect((await t.domain.reservations.releaseReservation(id)).status).toBe("RELEASED");
    expect((await rejection(t.domain.reservations.commitReservation(id))).reason).toBe("RESERVATION_RELEASED");
    expect(await levels(w.sellerId, w.productId)).toEqual([[10, 0]]);
    await assertLedgerMatchesLevels(t.db);
  });

  it("leaves a tombstone for an unknown id, so a late reserve with that id holds nothing", async () => {
    const w = await sellerWorld(t.domain, t.catalog, [10]);
    const id = newId();
    const tombstone = await t.domain.reservations.releaseReservation(id);
    expect(tombstone).toMatchObject({ status: "RELEASED", allocations: [] });
    const late = await reserve(id, [{ productId: w.productId, quantity: 4 }]);
    expect(late.status).toBe("RELEASED");
    expect(await levels(w.sellerId, w.productId)).toEqual([[10, 0]]);
  });

  it("refuses to commit after expiry; the sweeper releases expired reservations once", async () => {
    const w = await sellerWorld(t.domain, t.catalog, [10]);
    const expiring = newId();
    const lasting = newId();
    await reserve(expiring, [{ productId: w.productId, quantity: 3 }], inMinutes(15));
    await reserve(lasting, [{ productId: w.productId, quantity: 2 }], inMinutes(60));
    t.clock.advance(15 * 60_000);
    expect((await rejection(t.domain.reservations.commitReservation(expiring))).reason).toBe("RESERVATION_EXPIRED");
    expect(await levels(w.sellerId, w.productId)).toEqual([[10, 5]]);
    // Earlier tests' reservations (15 minutes) expire too: at least ours is released.
    expect(await t.domain.releaseExpired(100)).toBeGreaterThanOrEqual(1);
    expect(await t.domain.releaseExpired(100)).toBe(0);
    expect(await levels(w.sellerId, w.productId)).toEqual([[10, 2]]);
    expect((await rejection(t.domain.reservations.commitReservation(expiring))).reason).toBe("RESERVATION_RELEASED");
    expect((await t.domain.reservations.commitReservation(lasting)).status).toBe("COMMITTED");
    expect(await levels(w.sellerId, w.productId)).toEqual([[8, 0]]);
    await assertLedgerMatchesLevels(t.db);
  });

  it("keeps held stock and its reservations in a warehouse switched off: commit and release still work", async () => {
    const w = await sellerWorld(t.domain, t.catalog, [10]);
    const [first, second] = [newId(), newId()];
    await reserve(first, [{ productId: w.productId, quantity: 3 }]);
    await reserve(second, [{ productId: w.productId, quantity: 3 }]);
    await t.domain.warehouses.setWarehouseStatus(w.sellerId, { warehouseId: w.warehouseIds[0]!, status: "INACTIVE" });
    expect((await rejection(reserve(newId(), [{ productId: w.productId, quantity: 1 }]))).reason).toBe("INSUFFICIENT_STOCK");
    expect((await t.domain.reservations.commitReservation(first)).status).toBe("COMMITTED");
    expect((await t.domain.reservations.releaseReservation(second)).status).toBe("RELEASED");
    expect(await levels(w.sellerId, w.productId)).toEqual([[7, 0]]);
    await assertLedgerMatchesLevels(t.db);
  });

  it("ends 50 commit-versus-release races exactly one way each", async () => {
    const w = await sellerWorld(t.domain, t.catalog, [100]);
    const ids = Array.from({ length: 50 }, () => newId());
    for (const id of ids) await reserve(id, [{ productId: w.productId, quantity: 1 }]);
    const outcomes = await Promise.all(
      ids.map(async (id) => {
        const [commit, release] = await Promise.allSettled([
          t.domain.reservations.commitReservation(id),
          t.domain.reservations.releaseReservation(id),
        ]);
        if (commit.status === "fulfilled" && release.status === "rejected") {
          expect(release.reason).toMatchObject({ reason: "RESERVATION_COMMITTED" });
          return "committed";
        }
        if (release.status === "fulfilled" && commit.status === "rejected") {
          expect(commit.reason).toMatchObject({ reason: "RESERVATION_RELEASED" });
          return "released";
        }
        throw new Error(`reservation ${id} ended both ways or neither: ${commit.status}/${release.status}`);
      }),
    );
    const committed = outcomes.filter((o) => o === "committed").length;
    expect(await levels(w.sellerId, w.productId)).toEqual([[100 - committed, 0]]);
    await assertLedgerMatchesLevels(t.db);
  });

  it("lets two sweepers race over many expired reservations without releasing any twice", async () => {
    const w = await sellerWorld(t.domain, t.catalog, [300]);
    for (let i = 0; i < 60; i++) await reserve(newId(), [{ productId: w.productId, quantity: 1 }], inMinutes(1));
    t.clock.advance(2 * 60_000);
    const other = testDomain(t.db, { catalog: t.catalog, clock: t.clock });
    const sweepAll = async (d: typeof t.domain) => {
      let total = 0;
      for (let n = await d.releaseExpired(7); n > 0; n = await d.releaseExpired(7)) total += n;
      return total;
    };
    const [a, b] = await Promise.all([sweepAll(t.domain), sweepAll(other.domain)]);
    expect(a + b).toBe(60);
    expect(await levels(w.sellerId, w.productId)).toEqual([[300, 0]]);
    await assertLedgerMatchesLevels(t.db);
  });
});
