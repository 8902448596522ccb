import { describe, expect, it } from "vitest";
import { newId } from "@wms/db";
import { rejection } from "@wms/testing";
import { assertLedgerMatchesLevels, sellerWorld, useTestDomain } from "../testing/fixtures.js";

const t = useTestDomain("wh_domain");

describe("warehouses", () => {
  it("lets a shop's owner create, read, list, rename and switch off warehouses", async () => {
    const seller = newId();
    const shopId = t.catalog.addShop(seller);
    const created = await t.domain.warehouses.createWarehouse(seller, { shopId, name: " North ", location: " Oslo " });
    expect(created).toMatchObject({ shopId, name: "North", location: "Oslo", status: "ACTIVE" });
    expect(await t.domain.warehouses.getWarehouse(seller, created.warehouseId)).toEqual(created);

    for (const name of ["B", "C"]) await t.domain.warehouses.createWarehouse(seller, { shopId, name, location: "" });
    const first = await t.domain.warehouses.listWarehouses(seller, { shopId, limit: 2 });
    expect(first.rows.map((w) => w.name)).toEqual(["North", "B"]);
    expect(first.hasMore).toBe(true);
    const second = await t.domain.warehouses.listWarehouses(seller, { shopId, limit: 2, afterId: first.rows[1]!.warehouseId });
    expect(second.rows.map((w) => w.name)).toEqual(["C"]);
    expect(second.hasMore).toBe(false);

    const renamed = await t.domain.warehouses.updateWarehouse(seller, { warehouseId: created.warehouseId, name: "South", location: "" });
    expect(renamed).toMatchObject({ name: "South", location: "Oslo" });
    const off = await t.domain.warehouses.setWarehouseStatus(seller, { warehouseId: created.warehouseId, status: "INACTIVE" });
    expect(off.status).toBe("INACTIVE");
  });

  it("refuses other sellers, unknown shops and warehouses, and bad fields, changing nothing", async () => {
    const seller = newId();
    const intruder = newId();
    const shopId = t.catalog.addShop(seller);
    const w = await t.domain.warehouses.createWarehouse(seller, { shopId, name: "Main", location: "" });

    expect((await rejection(t.domain.warehouses.createWarehouse(intruder, { shopId, name: "X", location: "" }))).kind).toBe("PERMISSION_DENIED");
    expect((await rejection(t.domain.warehouses.getWarehouse(intruder, w.warehouseId))).kind).toBe("PERMISSION_DENIED");
    expect((await rejection(t.domain.warehouses.listWarehouses(intruder, { shopId, limit: 10 }))).kind).toBe("PERMISSION_DENIED");
    expect((await rejection(t.domain.warehouses.updateWarehouse(intruder, { warehouseId: w.warehouseId, name: "Mine", location: "" }))).kind).toBe(
      "PERMISSION_DENIED",
    );
    expect((await rejection(t.domain.warehouses.setWarehouseStatus(intruder, { warehouseId: w.warehouseId, status: "INACTIVE" }))).kind).toBe(
      "PERMISSION_DENIED",
    );
    expect(await t.domain.warehouses.getWarehouse(seller, w.warehouseId)).toEqual(w);

    expect((await rejection(t.domain.warehouses.createWarehouse(seller, { shopId: newId(), name: "X", location: "" }))).reason).toBe("SHOP_NOT_FOUND");
    expect((await rejection(t.domain.warehouses.getWarehouse(seller, newId()))).reason).toBe("WAREHOUSE_NOT_FOUND");
    expect((await rejection(t.domain.warehouses.getWarehouse(seller, "not-an-id"))).reason).toBe("WAREHOUSE_NOT_FOUND");

    const bad = await rejection(t.domain.warehouses.createWarehouse(seller, { shopId, name: " ", location: "x".repeat(201) }));
    expect(bad.kind).toBe("INVALID_ARGUMENT");
    expect(bad.fieldViolations.map((v) => v.field)).toEqual(["name", "location"]);
    const noStatus = await rejection(t.domain.warehouses.setWarehouseStatus(seller, { warehouseId: w.warehouseId, status: undefined }));
    expect(noStatus.fieldViolations.map((v) => v.field)).toEqual(["status"]);
  });
});

describe("stock", () => {
  it("adds stock once per idempotency key and refuses a reused key", async () => {
    const world = await sellerWorld(t.domain, t.catalog, [0]);
    const [warehouseId] = world.warehouseIds as [string];
    const add = (quantity: number, idempotencyKey: string) =>
      t.domain.stock.addStock(world.sellerId, { warehouseId, productId: world.productId, quantity, idempotencyKey });
    expect(await add(10, "k1")).toMatchObject({ onHand: 10, reserved: 0, warehouseStatus: "ACTIVE" });
    expect((await add(10, "k1")).onHand).toBe(10);
    expect((await rejection(add(11, "k1"))).reason).toBe("IDEMPOTENCY_KEY_REUSED");
    const invalid = await rejection(add(0, ""));
    expect(invalid.fieldViolations.map((v) => v.field)).toEqual(["quantity", "idempotency_key"]);
    await assertLedgerMatchesLevels(t.db);
  });

  it("refuses stock into an inactive warehouse with WAREHOUSE_INACTIVE, writing nothing and keeping the key free", async () => {
    const world = await sellerWorld(t.domain, t.catalog, [10]);
    const [warehouseId] = world.warehouseIds as [string];
    const fresh = t.catalog.addProduct(world.shopId);
    const add = (productId: string, quantity: number, idempotencyKey: string) =>
      t.domain.stock.addStock(world.sellerId, { warehouseId, productId, quantity, idempotencyKey });
    await t.domain.warehouses.setWarehouseStatus(world.sellerId, { warehouseId, status: "INACTIVE" });

    expect(await rejection(add(world.productId, 5, "k2"))).toMatchObject({
      kind: "FAILED_PRECONDITION",
      reason: "WAREHOUSE_INACTIVE",
      metadata: { warehouseId },
    });
    expect((await rejection(add(fresh, 5, "k3"))).reason).toBe("WAREHOUSE_INACTIVE");
    // The receipt made while the warehouse was active is still replayed, without error.
    expect(await add(world.productId, 10, "seed-0")).toMatchObject({ onHand: 10, warehouseStatus: "INACTIVE" });
    expect(await t.domain.stock.listStockLevels(world.sellerId, fresh)).toEqual([]);
    const ledger = await t.domain.stock.listStockMovements(world.sellerId, { warehouseId, productId: "", limit: 10 });
    expect(ledger.rows.map((m) => [m.kind, m.quantity, m.referenceId])).toEqual([["RECEIPT", 10, "seed-0"]]);

    // Neither key was consumed: once active again, the same requests go through.
    await t.domain.warehouses.setWarehouseStatus(world.sellerId, { warehouseId, status: "ACTIVE" });
    expect((await add(world.productId, 5, "k2")).onHand).toBe(15);
    expect((await add(fresh, 5, "k3")).onHand).toBe(5);
    await assertLedgerMatchesLevels(t.db);
  });

  it("refuses stock operations on another seller's product or warehouse, changing nothing", async () => {
    const mine = await sellerWorld(t.domain, t.catalog, [5]);
    const theirs = await sellerWorld(t.domain, t.catalog, [5]);
    const intoMine = (productId: string) =>
      t.domain.stock.addStock(mine.sellerId, { warehouseId: mine.warehouseIds[0]!, productId, quantity: 1, idempotencyKey: newId() });
    expect((await rejection(intoMine(theirs.productId))).kind).toBe("PERMISSION_DENIED");
    expect((await rejection(intoMine(newId()))).reason).toBe("PRODUCT_NOT_FOUND");
    expect(
      (await rejection(t.domain.stock.addStock(mine.sellerId, { warehouseId: theirs.warehouseIds[0]!, productId: mine.productId, quantity: 1, idempotencyKey: "x" })))
        .kind,
    ).toBe("PERMISSION_DENIED");
    expect((await rejection(t.domain.stock.listStockLevels(mine.sellerId, theirs.productId))).kind).toBe("PERMISSION_DENIED");
    expect((await rejection(t.domain.stock.listStockMovements(mine.sellerId, { warehouseId: theirs.warehouseIds[0]!, productId: "", limit: 5 }))).kind).toBe(
      "PERMISSION_DENIED",
    );
    expect((await t.domain.stock.listStockLevels(theirs.sellerId, theirs.productId)).map((l) => l.onHand)).toEqual([5]);
    expect((await t.domain.stock.listStockLevels(mine.sellerId, mine.productId)).map((l) => l.onHand)).toEqual([5]);
  });

  it("lists every level of a product, inactive warehouses included, and pages the ledger newest first", async () => {
    const world = await sellerWorld(t.domain, t.catalog, [4, 6]);
    await t.domain.warehouses.setWarehouseStatus(world.sellerId, { warehouseId: world.warehouseIds[1]!, status: "INACTIVE" });
    const levels = await t.domain.stock.listStockLevels(world.sellerId, world.productId);
    expect(levels.map((l) => [l.warehouseId, l.onHand, l.warehouseStatus])).toEqual([
      [world.warehouseIds[0], 4, "ACTIVE"],
      [world.warehouseIds[1], 6, "INACTIVE"],
    ]);

    const warehouseId = world.warehouseIds[0]!;
    const other = t.catalog.addProduct(world.shopId);
    for (let i = 1; i <= 3; i++) await t.domain.stock.addStock(world.sellerId, { warehouseId, productId: world.productId, quantity: i, idempotencyKey: `more-${i}` });
    await t.domain.stock.addStock(world.sellerId, { warehouseId, productId: other, quantity: 9, idempotencyKey: "other" });
    const page1 = await t.domain.stock.listStockMovements(world.sellerId, { warehouseId, productId: world.productId, limit: 2 });
    expect(page1.rows.map((m) => [m.kind, m.quantity, m.referenceId])).toEqual([
      ["RECEIPT", 3, "more-3"],
      ["RECEIPT", 2, "more-2"],
    ]);
    const page2 = await t.domain.stock.listStockMovements(world.sellerId, {
      warehouseId,
      productId: world.productId,
      limit: 2,
      beforeId: page1.rows[1]!.movementId,
    });
    expect(page2.rows.map((m) => m.quantity)).toEqual([1, 4]);
    expect(page2.hasMore).toBe(false);
    const all = await t.domain.stock.listStockMovements(world.sellerId, { warehouseId, productId: "", limit: 50 });
    expect(all.rows).toHaveLength(5);
    const bad = await rejection(t.domain.stock.listStockMovements(world.sellerId, { warehouseId, productId: "nope", limit: 5 }));
    expect(bad.fieldViolations.map((v) => v.field)).toEqual(["product_id"]);
  });
});

describe("availability", () => {
  it("answers 0 for unknown ids, once per distinct id, and refuses malformed ids and more than 500", async () => {
    const unknown = newId();
    expect(await t.domain.stock.getAvailability([unknown, unknown])).toEqual([{ productId: unknown, availableQuantity: 0 }]);
    const malformed = await rejection(t.domain.stock.getAvailability([unknown, "junk", "abc"]));
    expect(malformed).toMatchObject({ kind: "INVALID_ARGUMENT" });
    expect(malformed.fieldViolations.map((v) => v.field)).toEqual(["product_ids[1]", "product_ids[2]"]);
    expect(await t.domain.stock.getAvailability([])).toEqual([]);
    const tooMany = await rejection(t.domain.stock.getAvailability(Array.from({ length: 501 }, () => newId())));
    expect(tooMany.fieldViolations.map((v) => v.field)).toEqual(["product_ids"]);
  });
});
