import { describe, expect, it } from "vitest";
import { newId } from "@wms/db";
import { DomainError } from "@wms/errors";
import { rejection } from "@wms/testing";
import { createWarehouseRepo, type WarehouseRepo } from "../db/repo.js";
import { createWarehouseDomain } from "./index.js";
import { assertLedgerMatchesLevels, noLocks, sellerWorld, testDomain, useTestDomain } from "../testing/fixtures.js";

const t = useTestDomain("wh_transfers");

async function onHand(sellerId: string, productId: string): Promise<number[]> {
  return (await t.domain.stock.listStockLevels(sellerId, productId)).map((l) => l.onHand);
}

describe("transferStock", () => {
  it("moves units in one step with two ledger rows, and a replay moves nothing twice", async () => {
    const w = await sellerWorld(t.domain, t.catalog, [10, 0]);
    const [from, to] = w.warehouseIds as [string, string];
    const input = { fromWarehouseId: from, toWarehouseId: to, productId: w.productId, quantity: 4, idempotencyKey: "move-1" };
    const transfer = await t.domain.transfers.transferStock(w.sellerId, input);
    expect(transfer).toMatchObject({ fromWarehouseId: from, toWarehouseId: to, quantity: 4 });
    expect(await t.domain.transfers.transferStock(w.sellerId, input)).toEqual(transfer);
    expect(await onHand(w.sellerId, w.productId)).toEqual([6, 4]);
    const ledger = await t.domain.stock.listStockMovements(w.sellerId, { warehouseId: to, productId: "", limit: 10 });
    expect(ledger.rows.map((m) => [m.kind, m.quantity, m.referenceId])).toEqual([["TRANSFER_IN", 4, transfer.transferId]]);
    expect((await rejection(t.domain.transfers.transferStock(w.sellerId, { ...input, quantity: 5 }))).reason).toBe("IDEMPOTENCY_KEY_REUSED");
    await assertLedgerMatchesLevels(t.db);
  });

  it("refuses same-warehouse, non-positive and too-large transfers, changing nothing", async () => {
    const w = await sellerWorld(t.domain, t.catalog, [5, 5]);
    const [a, b] = w.warehouseIds as [string, string];
    const base = { fromWarehouseId: a, toWarehouseId: b, productId: w.productId, quantity: 1, idempotencyKey: newId() };
    const same = await rejection(t.domain.transfers.transferStock(w.sellerId, { ...base, toWarehouseId: a }));
    expect(same.kind).toBe("INVALID_ARGUMENT");
    expect(same.fieldViolations.map((v) => v.field)).toEqual(["to_warehouse_id"]);
    const zero = await rejection(t.domain.transfers.transferStock(w.sellerId, { ...base, quantity: 0 }));
    expect(zero.fieldViolations.map((v) => v.field)).toEqual(["quantity"]);
    const tooMuch = await rejection(t.domain.transfers.transferStock(w.sellerId, { ...base, quantity: 6 }));
    expect(tooMuch).toMatchObject({ kind: "FAILED_PRECONDITION", reason: "INSUFFICIENT_STOCK", metadata: { productId: w.productId, requested: "6", available: "5" } });
    expect(await onHand(w.sellerId, w.productId)).toEqual([5, 5]);
    // A failed transfer leaves its key free for the same request once the stock is there.
    await t.domain.stock.addStock(w.sellerId, { warehouseId: a, productId: w.productId, quantity: 1, idempotencyKey: "top-up" });
    await t.domain.transfers.transferStock(w.sellerId, { ...base, quantity: 6, idempotencyKey: base.idempotencyKey });
    expect(await onHand(w.sellerId, w.productId)).toEqual([0, 11]);
  });

  it("moves available units only, never reserved ones", async () => {
    const w = await sellerWorld(t.domain, t.catalog, [5, 0]);
    const [a, b] = w.warehouseIds as [string, string];
    await t.domain.reservations.reserveStock({
      reservationId: newId(),
      lines: [{ productId: w.productId, quantity: 3 }],
      expireTime: new Date(t.clock.ms + 60_000),
    });
    const input = { fromWarehouseId: a, toWarehouseId: b, productId: w.productId, quantity: 3, idempotencyKey: newId() };
    expect((await rejection(t.domain.transfers.transferStock(w.sellerId, input))).reason).toBe("INSUFFICIENT_STOCK");
    await t.domain.transfers.transferStock(w.sellerId, { ...input, quantity: 2 });
    expect((await t.domain.stock.listStockLevels(w.sellerId, w.productId)).map((l) => [l.onHand, l.reserved])).toEqual([
      [3, 3],
      [2, 0],
    ]);
    await assertLedgerMatchesLevels(t.db);
  });

  it("drains an inactive warehouse but refuses to fill one with WAREHOUSE_INACTIVE, changing nothing", async () => {
    const w = await sellerWorld(t.domain, t.catalog, [5, 3]);
    const [a, b] = w.warehouseIds as [string, string];
    const move = (fromWarehouseId: string, toWarehouseId: string, idempotencyKey: string) =>
      t.domain.transfers.transferStock(w.sellerId, { fromWarehouseId, toWarehouseId, productId: w.productId, quantity: 2, idempotencyKey });
    const madeWhileActive = await move(b, a, "before");
    await t.domain.warehouses.setWarehouseStatus(w.sellerId, { warehouseId: a, status: "INACTIVE" });

    const into = await rejection(move(b, a, "in"));
    expect(into).toMatchObject({ kind: "FAILED_PRECONDITION", reason: "WAREHOUSE_INACTIVE", metadata: { warehouseId: a } });
    expect(await onHand(w.sellerId, w.productId)).toEqual([7, 1]);
    // The destination's status is checked before the stock: an empty source still says why.
    expect((await rejection(t.domain.transfers.transferStock(w.sellerId, { fromWarehouseId: b, toWarehouseId: a, productId: w.productId, quantity: 99, idempotencyKey: "x" }))).reason).toBe(
      "WAREHOUSE_INACTIVE",
    );
    // A transfer made while the warehouse was active is still replayed, moving nothing.
    expect(await move(b, a, "before")).toEqual(madeWhileActive);
    await move(a, b, "out");
    expect(await onHand(w.sellerId, w.productId)).toEqual([5, 3]);

    // The refused key was not consumed: once the warehouse is back, the same request goes through.
    await t.domain.warehouses.setWarehouseStatus(w.sellerId, { warehouseId: a, status: "ACTIVE" });
    await move(b, a, "in");
    expect(await onHand(w.sellerId, w.productId)).toEqual([7, 1]);
    await assertLedgerMatchesLevels(t.db);
  });

  it("refuses another seller's warehouse or product and unknown warehouses, changing nothing", async () => {
    const mine = await sellerWorld(t.domain, t.catalog, [5, 0]);
    const theirs = await sellerWorld(t.domain, t.catalog, [5, 0]);
    const base = { fromWarehouseId: mine.warehouseIds[0]!, toWarehouseId: mine.warehouseIds[1]!, productId: mine.productId, quantity: 1, idempotencyKey: newId() };
    expect((await rejection(t.domain.transfers.transferStock(mine.sellerId, { ...base, toWarehouseId: theirs.warehouseIds[0]! }))).kind).toBe("PERMISSION_DENIED");
    expect((await rejection(t.domain.transfers.transferStock(mine.sellerId, { ...base, productId: theirs.productId }))).kind).toBe("PERMISSION_DENIED");
    expect((await rejection(t.domain.transfers.transferStock(theirs.sellerId, base))).kind).toBe("PERMISSION_DENIED");
    expect((await rejection(t.domain.transfers.transferStock(mine.sellerId, { ...base, fromWarehouseId: newId() }))).reason).toBe("WAREHOUSE_NOT_FOUND");
    expect(await onHand(mine.sellerId, mine.productId)).toEqual([5]);
    expect(await onHand(theirs.sellerId, theirs.productId)).toEqual([5]);
  });

  it("keeps 50 concurrent transfers in both directions consistent, with every SKU lock lost", async () => {
    // No lock at all: row locks in warehouse-id order and the conditional update must carry it.
    const unlocked = testDomain(t.db, { locks: noLocks, catalog: t.catalog });
    const w = await sellerWorld(unlocked.domain, t.catalog, [30, 30]);
    const [a, b] = w.warehouseIds as [string, string];
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        unlocked.domain.transfers.transferStock(w.sellerId, {
          fromWarehouseId: i % 2 === 0 ? a : b,
          toWarehouseId: i % 2 === 0 ? b : a,
          productId: w.productId,
          quantity: 1 + (i % 7),
          idempotencyKey: `rush-${i}`,
        }),
      ),
    );
    for (const r of results) {
      if (r.status === "rejected") expect(r.reason).toMatchObject({ reason: "INSUFFICIENT_STOCK" });
    }
    expect(results.some((r) => r.status === "fulfilled")).toBe(true);
    const levels = await onHand(w.sellerId, w.productId);
    expect(levels.every((n) => n >= 0)).toBe(true);
    expect(levels[0]! + levels[1]!).toBe(60);
    await assertLedgerMatchesLevels(t.db);
  });

  it("lets no receipt or transfer into a warehouse commit after its deactivation did", async () => {
    // The deactivation reads the warehouse's stock in its own transaction right after its
    // UPDATE of the warehouse row. A receipt or transfer that share-locked the row first has
    // committed by then (the UPDATE waited for it); one that had not must find the warehouse
    // inactive once it gets the lock. So that reading is final: nothing lands after it.
    const repo = createWarehouseRepo(t.db);
    const products: string[] = [];
    let seenByDeactivation: number | undefined;
    const probed: WarehouseRepo = {
      ...repo,
      updateWarehouse: (warehouseId, changes) =>
        repo.transaction(async (tx) => {
          const row = await tx.updateWarehouse(warehouseId, changes);
          seenByDeactivation = await onHandIn(tx, warehouseId, products);
          return row;
        }),
    };
    const deactivating = createWarehouseDomain({ repo: probed, catalog: t.catalog, locks: noLocks, now: t.clock.now });

    const w = await sellerWorld(t.domain, t.catalog, [40, 0]);
    const [a, b] = w.warehouseIds as [string, string];
    products.push(w.productId);
    for (let i = 1; i < 4; i++) {
      const productId = t.catalog.addProduct(w.shopId);
      products.push(productId);
      await t.domain.stock.addStock(w.sellerId, { warehouseId: a, productId, quantity: 40, idempotencyKey: `seed-${productId}` });
    }
    const intoB = (productId: string, i: number) =>
      i % 4 === 3
        ? t.domain.stock.addStock(w.sellerId, { warehouseId: b, productId, quantity: 1, idempotencyKey: `receipt-${productId}-${i}` })
        : t.domain.transfers.transferStock(w.sellerId, { fromWarehouseId: a, toWarehouseId: b, productId, quantity: 1, idempotencyKey: `${productId}-${i}` });

    // Deactivation starts once 8 writes have landed, while the rest are still queued or running.
    let landed = 0;
    let deactivation: Promise<unknown> | undefined;
    const outcomes = await Promise.all(
      products.flatMap((productId) =>
        Array.from({ length: 12 }, (_, i) =>
          intoB(productId, i).then(
            () => {
              if (++landed === 8) deactivation = deactivating.warehouses.setWarehouseStatus(w.sellerId, { warehouseId: b, status: "INACTIVE" });
              return "ok";
            },
            (e: unknown) => (e instanceof DomainError ? e.reason : `unexpected ${String(e)}`),
          ),
        ),
      ),
    );
    await deactivation;
    expect(outcomes.filter((o) => o !== "ok" && o !== "WAREHOUSE_INACTIVE")).toEqual([]);
    // Later writes (new keys: old ones would be replays) all fail, so the level is final now.
    expect((await rejection(intoB(w.productId, 100))).reason).toBe("WAREHOUSE_INACTIVE");
    expect((await rejection(intoB(w.productId, 103))).reason).toBe("WAREHOUSE_INACTIVE");
    const final = await onHandIn(repo, b, products);
    expect(seenByDeactivation).toBe(final);
    expect(final).toBe(outcomes.filter((o) => o === "ok").length);
    await assertLedgerMatchesLevels(t.db);
  });
});

async function onHandIn(repo: WarehouseRepo, warehouseId: string, productIds: string[]): Promise<number> {
  let total = 0;
  for (const productId of productIds) total += (await repo.findLevel(warehouseId, productId))?.onHand ?? 0;
  return total;
}
