import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoProducts, demoWarehouses } from "@wms/demo";
import { startMesh, restClient, errorReason, type Mesh } from "../support/mesh.js";
import { startProcessMesh } from "../support/process-mesh.js";

// What a seller does over REST with the demo data, on the embedded mesh in one process and on
// `npm run mesh` (every replica its own process, PostgreSQL + Redlock).
describe.each([
  { mode: "embedded", processes: false },
  { mode: "every service its own process, PostgreSQL + Redis", processes: true },
])("seller flow over REST ($mode)", ({ processes }) => {
  let mesh: Mesh;
  let rest: ReturnType<typeof restClient>;
  let sellerToken: string;
  let otherSellerToken: string;
  let buyerToken: string;
  const smartphone = demoProducts.find((p) => p.name === "Smartphone X")!;
  const backup = demoWarehouses.find((w) => w.shopId === smartphone.shopId && w.name === "Backup")!;

  const login = async (loginName: string) =>
    (await rest("POST", "/v1/users:login", { body: { login: loginName, password: "123456" } })).json.accessToken as string;
  const available = async (productId: string) =>
    Number(((await rest("GET", `/v1/products/${productId}`, { token: buyerToken })).json.product as Record<string, string>).availableQuantity);

  beforeAll(async () => {
    mesh = processes ? await startProcessMesh() : await startMesh();
    rest = restClient(mesh.restUrl);
    sellerToken = await login("dmp.seller@domain.com");
    otherSellerToken = await login("dmp.seller2@domain.com");
    buyerToken = await login("dmp.buyer@domain.com");
  }, 180_000);
  afterAll(async () => {
    await mesh?.stop();
  });

  it("shows a buyer Smartphone X with 150 available, 100 with Backup off, 150 again with it on", async () => {
    expect(await available(smartphone.productId)).toBe(150);
    const off = await rest("POST", `/v1/warehouses/${backup.warehouseId}:setStatus`, { token: sellerToken, body: { status: "WAREHOUSE_STATUS_INACTIVE" } });
    expect(off.status).toBe(200);
    expect(await available(smartphone.productId)).toBe(100);
    await rest("POST", `/v1/warehouses/${backup.warehouseId}:setStatus`, { token: sellerToken, body: { status: "WAREHOUSE_STATUS_ACTIVE" } });
    expect(await available(smartphone.productId)).toBe(150);
    const listed = await rest("GET", `/v1/products?shopId=${smartphone.shopId}`);
    const names = (listed.json.products as Array<Record<string, string>>).map((p) => [p.name, Number(p.availableQuantity)]);
    expect(names).toEqual(expect.arrayContaining([["Smartphone X", 150], ["Wireless Headphones", 275], ["Smartwatch Pro", 250]]));
  });

  it("creates a warehouse and a product, adds, transfers, lists levels and movements, deactivates", async () => {
    const shopId = smartphone.shopId;
    const wh = await rest("POST", `/v1/shops/${shopId}/warehouses`, { token: sellerToken, body: { name: "Overflow", location: "Medan" } });
    expect(wh.status).toBe(200);
    const warehouseId = String((wh.json.warehouse as Record<string, string>).warehouseId);
    expect((wh.json.warehouse as Record<string, string>).status).toBe("WAREHOUSE_STATUS_ACTIVE");

    const product = await rest("POST", `/v1/shops/${shopId}/products`, { token: sellerToken, body: { name: "USB-C Cable", description: "1 m", priceCents: "1299" } });
    expect(product.status).toBe(200);
    const productId = String((product.json.product as Record<string, string>).productId);

    const add = { productId, quantity: "40", idempotencyKey: "receipt-1" };
    const added = await rest("POST", `/v1/warehouses/${warehouseId}/stock:add`, { token: sellerToken, body: add });
    expect(added.status).toBe(200);
    const replay = await rest("POST", `/v1/warehouses/${warehouseId}/stock:add`, { token: sellerToken, body: add });
    expect(Number((replay.json.level as Record<string, string>).onHand)).toBe(40);

    const mainId = demoWarehouses.find((w) => w.shopId === shopId && w.name === "Main")!.warehouseId;
    const transfer = { fromWarehouseId: warehouseId, toWarehouseId: mainId, productId, quantity: "15", idempotencyKey: "move-1" };
    expect((await rest("POST", "/v1/transfers", { token: sellerToken, body: transfer })).status).toBe(200);
    expect((await rest("POST", "/v1/transfers", { token: sellerToken, body: transfer })).status).toBe(200);
    const tooMuch = await rest("POST", "/v1/transfers", { token: sellerToken, body: { ...transfer, quantity: "1000", idempotencyKey: "move-2" } });
    expect(tooMuch.status).toBe(400);
    expect(errorReason(tooMuch.json)).toBe("INSUFFICIENT_STOCK");

    const levels = await rest("GET", `/v1/products/${productId}/stock-levels`, { token: sellerToken });
    const byWarehouse = Object.fromEntries((levels.json.levels as Array<Record<string, string>>).map((l) => [l.warehouseId, Number(l.onHand)]));
    expect(byWarehouse).toEqual({ [warehouseId]: 25, [mainId]: 15 });

    const movements = await rest("GET", `/v1/warehouses/${warehouseId}/movements?productId=${productId}`, { token: sellerToken });
    const kinds = (movements.json.movements as Array<Record<string, string>>).map((m) => [m.kind, Number(m.quantity)]).sort();
    expect(kinds).toEqual([["STOCK_MOVEMENT_KIND_RECEIPT", 40], ["STOCK_MOVEMENT_KIND_TRANSFER_OUT", 15]]);

    expect(await available(productId)).toBe(40);
    await rest("POST", `/v1/warehouses/${warehouseId}:setStatus`, { token: sellerToken, body: { status: "WAREHOUSE_STATUS_INACTIVE" } });
    expect(await available(productId)).toBe(15);

    // Another seller and a buyer can neither see nor change it.
    expect((await rest("GET", `/v1/warehouses/${warehouseId}`, { token: otherSellerToken })).status).toBeGreaterThanOrEqual(403);
    expect((await rest("POST", `/v1/warehouses/${warehouseId}:setStatus`, { token: buyerToken, body: { status: "WAREHOUSE_STATUS_ACTIVE" } })).status).toBe(403);
    expect(await available(productId)).toBe(15);
  });

  it("refuses bad input with 400 and changes nothing", async () => {
    const before = await available(smartphone.productId);
    const bad = await rest("POST", `/v1/warehouses/${backup.warehouseId}/stock:add`, {
      token: sellerToken,
      body: { productId: smartphone.productId, quantity: "-5", idempotencyKey: "neg" },
    });
    expect(bad.status).toBe(400);
    const same = await rest("POST", "/v1/transfers", {
      token: sellerToken,
      body: { fromWarehouseId: backup.warehouseId, toWarehouseId: backup.warehouseId, productId: smartphone.productId, quantity: "1", idempotencyKey: "self" },
    });
    expect(same.status).toBe(400);
    expect(await available(smartphone.productId)).toBe(before);
  });
});
