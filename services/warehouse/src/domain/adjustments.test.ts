import { describe, expect, it } from "vitest";
import { newId } from "@wms/db";
import { rejection } from "@wms/testing";
import { assertLedgerMatchesLevels, noLocks, sellerWorld, testDomain, useTestDomain } from "../testing/fixtures.js";
import type { AdjustInput } from "./adjustments.js";
import { ON_HAND_MAX } from "./model.js";

const t = useTestDomain("wh_adjustments");

async function levelOf(sellerId: string, productId: string): Promise<Array<[number, number]>> {
  return (await t.domain.stock.listStockLevels(sellerId, productId)).map((l) => [l.onHand, l.reserved]);
}

function input(w: { warehouseIds: string[]; productId: string }, over: Partial<AdjustInput> = {}): AdjustInput {
  return {
    warehouseId: w.warehouseIds[0]!,
    productId: w.productId,
    change: { kind: "delta", delta: -10 },
    reason: "DAMAGED",
    note: "dropped a pallet",
    idempotencyKey: newId(),
    ...over,
  };
}

async function hold(productId: string, quantity: number): Promise<void> {
  await t.domain.reservations.reserveStock({ reservationId: newId(), lines: [{ productId, quantity }], expireTime: new Date(t.clock.ms + 60_000) });
}

describe("adjustStock", () => {
  it("takes damaged units off with one ADJUSTMENT row, and a replay changes nothing", async () => {
    const w = await sellerWorld(t.domain, t.catalog, [100]);
    const request = input(w, { idempotencyKey: "damaged-1" });
    const first = await t.domain.adjustments.adjustStock(w.sellerId, request);
    expect(first.level).toMatchObject({ onHand: 90, reserved: 0 });
    expect(first.movement).toMatchObject({ kind: "ADJUSTMENT", quantity: -10, adjustmentReason: "DAMAGED", note: "dropped a pallet", referenceId: "damaged-1" });
    const replay = await t.domain.adjustments.adjustStock(w.sellerId, request);
    expect(replay).toEqual(first);
    expect(await levelOf(w.sellerId, w.productId)).toEqual([[90, 0]]);
    const ledger = await t.domain.stock.listStockMovements(w.sellerId, { warehouseId: w.warehouseIds[0]!, productId: "", limit: 10 });
    expect(ledger.rows.map((m) => [m.kind, m.quantity])).toEqual([
      ["ADJUSTMENT", -10],
      ["RECEIPT", 100],
    ]);
    await assertLedgerMatchesLevels(t.db, [w.productId]);
  });

  it("refuses a key reused for any other change, reason or note", async () => {
    const w = await sellerWorld(t.domain, t.catalog, [50]);
    const request = input(w);
    await t.domain.adjustments.adjustStock(w.sellerId, request);
    for (const other of [
      { change: { kind: "delta" as const, delta: -9 } },
      { change: { kind: "counted" as const, countedOnHand: 40 } },
      { reason: "LOST" as const },
      { note: "another note" },
    ]) {
      expect((await rejection(t.domain.adjustments.adjustStock(w.sellerId, { ...request, ...other }))).reason).toBe("IDEMPOTENCY_KEY_REUSED");
    }
    expect(await levelOf(w.sellerId, w.productId)).toEqual([[40, 0]]);
  });

  it("sets on_hand to a counted quantity, recording the difference (0 when the count agrees)", async () => {
    const w = await sellerWorld(t.domain, t.catalog, [90]);
    await hold(w.productId, 30);
    const counted = await t.domain.adjustments.adjustStock(w.sellerId, input(w, { change: { kind: "counted", countedOnHand: 95 }, reason: "COUNT_CORRECTION", note: "" }));
    expect(counted.level).toMatchObject({ onHand: 95, reserved: 30 });
    expect(counted.movement).toMatchObject({ quantity: 5, adjustmentReason: "COUNT_CORRECTION", note: "" });
    const agreed = await t.domain.adjustments.adjustStock(w.sellerId, input(w, { change: { kind: "counted", countedOnHand: 95 }, reason: "COUNT_CORRECTION" }));
    expect(agreed.movement.quantity).toBe(0);
    const down = await t.domain.adjustments.adjustStock(w.sellerId, input(w, { change: { kind: "counted", countedOnHand: 30 }, reason: "LOST" }));
    expect(down.level).toMatchObject({ onHand: 30, reserved: 30 });
    expect(down.movement.quantity).toBe(-65);
    await assertLedgerMatchesLevels(t.db, [w.productId]);
  });

  it("never drops on_hand below reserved: BELOW_RESERVED, nothing changed, the key left unused", async () => {
    const w = await sellerWorld(t.domain, t.catalog, [100]);
    await hold(w.productId, 30);
    const request = input(w, { change: { kind: "delta", delta: -1000 }, idempotencyKey: "too-many" });
    const refused = await rejection(t.domain.adjustments.adjustStock(w.sellerId, request));
    expect(refused).toMatchObject({
      kind: "FAILED_PRECONDITION",
      reason: "BELOW_RESERVED",
      metadata: { warehouseId: w.warehouseIds[0], productId: w.productId, onHand: "100", reserved: "30", requestedOnHand: "-900" },
    });
    expect((await rejection(t.domain.adjustments.adjustStock(w.sellerId, input(w, { change: { kind: "delta", delta: -71 } })))).reason).toBe("BELOW_RESERVED");
    expect((await rejection(t.domain.adjustments.adjustStock(w.sellerId, input(w, { change: { kind: "counted", countedOnHand: 29 } })))).reason).toBe("BELOW_RESERVED");
    expect(await levelOf(w.sellerId, w.productId)).toEqual([[100, 30]]);
    // Exactly down to the reserved units is allowed; the refused key is still free.
    const exact = await t.domain.adjustments.adjustStock(w.sellerId, { ...request, change: { kind: "delta", delta: -70 } });
    expect(exact.level).toMatchObject({ onHand: 30, reserved: 30 });
    await assertLedgerMatchesLevels(t.db, [w.productId]);
  });

  it("corrects an inactive warehouse, and a warehouse that never held the product", async () => {
    const w = await sellerWorld(t.domain, t.catalog, [20, 0]);
    const [closed, empty] = w.warehouseIds as [string, string];
    await t.domain.warehouses.setWarehouseStatus(w.sellerId, { warehouseId: closed, status: "INACTIVE" });
    const counted = await t.domain.adjustments.adjustStock(w.sellerId, input(w, { warehouseId: closed, change: { kind: "counted", countedOnHand: 18 } }));
    expect(counted.level).toMatchObject({ onHand: 18, warehouseStatus: "INACTIVE" });
    const found = await t.domain.adjustments.adjustStock(w.sellerId, input(w, { warehouseId: empty, change: { kind: "delta", delta: 3 }, reason: "FOUND" }));
    expect(found.level).toMatchObject({ warehouseId: empty, onHand: 3, reserved: 0 });
    await assertLedgerMatchesLevels(t.db, [w.productId]);
  });

  it("keeps on_hand at most ON_HAND_MAX, for adjustments and receipts alike", async () => {
    const w = await sellerWorld(t.domain, t.catalog, [10]);
    const warehouseId = w.warehouseIds[0]!;
    const up = await t.domain.adjustments.adjustStock(w.sellerId, input(w, { change: { kind: "counted", countedOnHand: ON_HAND_MAX }, reason: "FOUND" }));
    expect(up.level.onHand).toBe(ON_HAND_MAX);
    expect((await rejection(t.domain.adjustments.adjustStock(w.sellerId, input(w, { change: { kind: "delta", delta: 1 }, reason: "FOUND" })))).reason).toBe(
      "ON_HAND_LIMIT_EXCEEDED",
    );
    const receipt = t.domain.stock.addStock(w.sellerId, { warehouseId, productId: w.productId, quantity: 1, idempotencyKey: newId() });
    expect(await rejection(receipt)).toMatchObject({ kind: "FAILED_PRECONDITION", reason: "ON_HAND_LIMIT_EXCEEDED" });
    expect(await levelOf(w.sellerId, w.productId)).toEqual([[ON_HAND_MAX, 0]]);
    await assertLedgerMatchesLevels(t.db, [w.productId]);
  });

  it("validates every field at once", async () => {
    const w = await sellerWorld(t.domain, t.catalog, [10]);
    const fields = async (over: Partial<AdjustInput>) =>
      (await rejection(t.domain.adjustments.adjustStock(w.sellerId, input(w, over)))).fieldViolations.map((v) => v.field);
    expect(await fields({ change: undefined, reason: undefined, idempotencyKey: "" })).toEqual(["delta", "reason", "idempotency_key"]);
    expect(await fields({ change: { kind: "delta", delta: 0 } })).toEqual(["delta"]);
    expect(await fields({ change: { kind: "delta", delta: -1_000_000_001 } })).toEqual(["delta"]);
    expect(await fields({ change: { kind: "delta", delta: 0.5 } })).toEqual(["delta"]);
    expect(await fields({ change: { kind: "counted", countedOnHand: -1 } })).toEqual(["counted_on_hand"]);
    expect(await fields({ change: { kind: "counted", countedOnHand: ON_HAND_MAX + 1 } })).toEqual(["counted_on_hand"]);
    expect(await fields({ note: "x".repeat(501) })).toEqual(["note"]);
    expect(await fields({ note: "a\u0000b" })).toEqual(["note"]);
    // Line breaks are text, not control characters.
    await t.domain.adjustments.adjustStock(w.sellerId, input(w, { change: { kind: "delta", delta: -1 }, note: "shelf 3\nbox 2" }));
    expect(await levelOf(w.sellerId, w.productId)).toEqual([[9, 0]]);
  });

  it("lets only the owner of the warehouse and the product adjust", async () => {
    const w = await sellerWorld(t.domain, t.catalog, [10]);
    const stranger = await sellerWorld(t.domain, t.catalog, [10]);
    expect((await rejection(t.domain.adjustments.adjustStock(stranger.sellerId, input(w)))).kind).toBe("PERMISSION_DENIED");
    expect((await rejection(t.domain.adjustments.adjustStock(w.sellerId, input(w, { productId: stranger.productId })))).kind).toBe("PERMISSION_DENIED");
    expect((await rejection(t.domain.adjustments.adjustStock(w.sellerId, input(w, { warehouseId: newId() })))).reason).toBe("WAREHOUSE_NOT_FOUND");
    expect(await levelOf(w.sellerId, w.productId)).toEqual([[10, 0]]);
  });

  it("applies concurrent replays of one key once", async () => {
    const w = await sellerWorld(t.domain, t.catalog, [100]);
    // Half of them without the SKU lock: the unique key, not the lock, makes them one.
    const unlocked = testDomain(t.db, { catalog: t.catalog, locks: noLocks, clock: t.clock });
    const request = input(w, { change: { kind: "delta", delta: -7 }, idempotencyKey: "once" });
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? t.domain : unlocked.domain).adjustments.adjustStock(w.sellerId, request)));
    expect(new Set(results.map((r) => r.movement.movementId)).size).toBe(1);
    expect(await levelOf(w.sellerId, w.productId)).toEqual([[93, 0]]);
    await assertLedgerMatchesLevels(t.db, [w.productId]);
  });

  it("never takes reserved units when counts race with reservations, with or without the SKU lock", async () => {
    const w = await sellerWorld(t.domain, t.catalog, [100]);
    const unlocked = testDomain(t.db, { catalog: t.catalog, locks: noLocks, clock: t.clock });
    const work = Array.from({ length: 40 }, (_, i) => {
      const d = i % 2 === 0 ? t.domain : unlocked.domain;
      if (i % 4 < 2) {
        return d.reservations.reserveStock({ reservationId: newId(), lines: [{ productId: w.productId, quantity: 5 }], expireTime: new Date(t.clock.ms + 60_000) });
      }
      return d.adjustments.adjustStock(w.sellerId, input(w, { change: { kind: "delta", delta: -6 }, reason: "LOST" }));
    });
    const results = await Promise.allSettled(work);
    const reasons = new Set(results.flatMap((r) => (r.status === "rejected" ? [(r.reason as { reason?: string }).reason] : [])));
    for (const reason of reasons) expect(["INSUFFICIENT_STOCK", "BELOW_RESERVED"]).toContain(reason);
    const [[onHand, reserved]] = (await levelOf(w.sellerId, w.productId)) as [[number, number]];
    expect(reserved).toBeLessThanOrEqual(onHand);
    expect(onHand).toBeGreaterThanOrEqual(0);
    await assertLedgerMatchesLevels(t.db, [w.productId]);
  });
});
