import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoProducts, demoShops, demoWarehouses } from "@wms/demo";
import { seedDemoData } from "./demo-data.js";
import { assertLedgerMatchesLevels, openTestDatabase, testDomain } from "./testing/fixtures.js";

let database: Awaited<ReturnType<typeof openTestDatabase>>;
let t: ReturnType<typeof testDomain>;

beforeAll(async () => {
  database = await openTestDatabase("wh_demo");
  t = testDomain(database.db);
  for (const shop of demoShops) t.catalog.addShop(shop.ownerUserId, shop.shopId);
  for (const product of demoProducts) t.catalog.addProduct(product.shopId, product.productId);
});
afterAll(async () => {
  await database?.drop();
});

describe("demo data", () => {
  it("loads once, every level received through the ledger", async () => {
    await seedDemoData(t.repo);
    await seedDemoData(t.repo); // a second start loads nothing twice
    await assertLedgerMatchesLevels(database.db);
    expect(await t.repo.countWarehouses()).toBe(demoWarehouses.length);
    const smartphone = demoProducts.find((p) => p.name === "Smartphone X")!;
    const owner = demoShops.find((s) => s.shopId === smartphone.shopId)!.ownerUserId;
    const levels = await t.domain.stock.listStockLevels(owner, smartphone.productId);
    expect(levels.map((l) => [l.onHand, l.reserved, l.warehouseStatus])).toEqual([
      [100, 0, "ACTIVE"],
      [50, 0, "ACTIVE"],
      [70, 0, "INACTIVE"],
    ]);
  });

  it("counts active warehouses only: Smartphone X 100/50/(70 inactive) is 150, 100 without Backup, 150 again", async () => {
    const smartphone = demoProducts.find((p) => p.name === "Smartphone X")!;
    const backup = demoWarehouses.find((w) => w.shopId === smartphone.shopId && w.name === "Backup")!;
    const owner = demoShops.find((s) => s.shopId === smartphone.shopId)!.ownerUserId;
    const available = async () => (await t.domain.stock.getAvailability([smartphone.productId]))[0]?.availableQuantity;

    expect(await available()).toBe(150);
    const all = await t.domain.stock.getAvailability(demoProducts.map((p) => p.productId));
    expect(all.map((i) => i.availableQuantity)).toEqual([150, 275, 250, 120, 90, 170]);
    await t.domain.warehouses.setWarehouseStatus(owner, { warehouseId: backup.warehouseId, status: "INACTIVE" });
    expect(await available()).toBe(100);
    await t.domain.warehouses.setWarehouseStatus(owner, { warehouseId: backup.warehouseId, status: "ACTIVE" });
    expect(await available()).toBe(150);
  });
});
