import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoProducts, demoWarehouses } from "@wms/demo";
import { startMesh, restClient, errorReason, type Mesh } from "../support/mesh.js";

type Json = Record<string, unknown>;
const field = (json: Json, ...path: string[]): unknown => path.reduce<unknown>((at, key) => (at as Json | undefined)?.[key], json);

// Stock corrections, price changes, checkout keys and limits, over REST on the demo data, as a
// shop and its buyers meet them.
describe("corrections, price changes and limits over REST", () => {
  let mesh: Mesh;
  let rest: ReturnType<typeof restClient>;
  let sellerToken: string;
  let buyerToken: string;
  const smartphone = demoProducts.find((p) => p.name === "Smartphone X")!;
  const main = demoWarehouses.find((w) => w.shopId === smartphone.shopId && w.name === "Main")!;
  const headphones = demoProducts.find((p) => p.name === "Wireless Headphones")!;
  const adjustPath = `/v1/warehouses/${main.warehouseId}/stock:adjust`;

  const login = async (loginName: string) =>
    (await rest("POST", "/v1/users:login", { body: { login: loginName, password: "123456" } })).json.accessToken as string;
  const mainOnHand = async () => {
    const { json } = await rest("GET", `/v1/products/${smartphone.productId}/stock-levels`, { token: sellerToken });
    const level = (json.levels as Json[]).find((l) => l.warehouseId === main.warehouseId)!;
    return Number(level.onHand);
  };
  const checkout = (items: Array<{ productId: string; quantity: number }>, idempotencyKey = "") =>
    rest("POST", "/v1/orders", { token: buyerToken, body: { items, idempotencyKey } });

  beforeAll(async () => {
    mesh = await startMesh();
    rest = restClient(mesh.restUrl);
    sellerToken = await login("dmp.seller@domain.com");
    buyerToken = await login("dmp.buyer@domain.com");
  }, 120_000);
  afterAll(async () => {
    await mesh?.stop();
  });

  it("corrects Smartphone X in Main: -10 damaged, a replay, a count of 95, never below reserved, owner only, both in the ledger", async () => {
    expect(await mainOnHand()).toBe(100);
    const damaged = { productId: smartphone.productId, delta: -10, reason: "ADJUSTMENT_REASON_DAMAGED", note: "dropped a pallet", idempotencyKey: "damaged-1" };
    const first = await rest("POST", adjustPath, { token: sellerToken, body: damaged });
    expect(first.status).toBe(200);
    expect(field(first.json, "level", "onHand")).toBe("90");
    expect(first.json.movement).toMatchObject({ kind: "STOCK_MOVEMENT_KIND_ADJUSTMENT", quantity: "-10", adjustmentReason: "ADJUSTMENT_REASON_DAMAGED", note: "dropped a pallet" });

    const replay = await rest("POST", adjustPath, { token: sellerToken, body: damaged });
    expect(replay.status).toBe(200);
    expect(replay.json).toEqual(first.json);
    expect(await mainOnHand()).toBe(90);
    const reused = await rest("POST", adjustPath, { token: sellerToken, body: { ...damaged, delta: -11 } });
    expect([reused.status, errorReason(reused.json)]).toEqual([400, "IDEMPOTENCY_KEY_REUSED"]);

    const counted = await rest("POST", adjustPath, {
      token: sellerToken,
      body: { productId: smartphone.productId, countedOnHand: 95, reason: "ADJUSTMENT_REASON_COUNT_CORRECTION", idempotencyKey: "count-1" },
    });
    expect(counted.status).toBe(200);
    expect(field(counted.json, "level", "onHand")).toBe("95");
    expect(field(counted.json, "movement", "quantity")).toBe("5");

    const tooMany = await rest("POST", adjustPath, { token: sellerToken, body: { ...damaged, delta: -1000, idempotencyKey: "damaged-2" } });
    expect([tooMany.status, errorReason(tooMany.json)]).toEqual([400, "BELOW_RESERVED"]);
    const byBuyer = await rest("POST", adjustPath, { token: buyerToken, body: { ...damaged, idempotencyKey: "by-buyer" } });
    expect(byBuyer.status).toBe(403);
    const noReason = await rest("POST", adjustPath, { token: sellerToken, body: { productId: smartphone.productId, delta: -1, idempotencyKey: "no-reason" } });
    expect(noReason.status).toBe(400);
    expect(await mainOnHand()).toBe(95);

    const ledger = await rest("GET", `/v1/warehouses/${main.warehouseId}/movements?productId=${smartphone.productId}`, { token: sellerToken });
    const adjustments = (ledger.json.movements as Json[]).filter((m) => m.kind === "STOCK_MOVEMENT_KIND_ADJUSTMENT");
    expect(adjustments.map((m) => [m.quantity, m.adjustmentReason, m.referenceId])).toEqual([
      ["5", "ADJUSTMENT_REASON_COUNT_CORRECTION", "count-1"],
      ["-10", "ADJUSTMENT_REASON_DAMAGED", "damaged-1"],
    ]);
  });

  it("applies a new price to the next checkout only", async () => {
    const before = await checkout([{ productId: headphones.productId, quantity: 1 }]);
    expect(before.status).toBe(200);
    const placed = field(before.json, "order") as Json;
    expect((placed.items as Json[])[0]?.unitPriceCents).toBe(String(headphones.priceCents));

    const newPrice = headphones.priceCents - 2000;
    const byBuyer = await rest("PATCH", `/v1/products/${headphones.productId}`, { token: buyerToken, body: { priceCents: newPrice } });
    expect(byBuyer.status).toBe(403);
    const updated = await rest("PATCH", `/v1/products/${headphones.productId}`, { token: sellerToken, body: { priceCents: newPrice } });
    expect(updated.status).toBe(200);
    expect(updated.json.product).toMatchObject({ name: headphones.name, priceCents: String(newPrice) });

    const old = await rest("GET", `/v1/orders/${String(placed.orderId)}`, { token: buyerToken });
    expect(field(old.json, "order", "totalCents")).toBe(String(headphones.priceCents));
    expect(((field(old.json, "order", "items") as Json[])[0])?.unitPriceCents).toBe(String(headphones.priceCents));
    const after = await checkout([{ productId: headphones.productId, quantity: 2 }]);
    expect(((field(after.json, "order", "items") as Json[])[0])?.unitPriceCents).toBe(String(newPrice));
    expect(field(after.json, "order", "totalCents")).toBe(String(2 * newPrice));
  });

  it("answers a checkout key reused with another cart with IDEMPOTENCY_KEY_REUSED, the same cart with the first order", async () => {
    const cart = [{ productId: smartphone.productId, quantity: 1 }];
    const first = await checkout(cart, "cart-1");
    expect(first.status).toBe(200);
    const again = await checkout(cart, "cart-1");
    expect(field(again.json, "order", "orderId")).toBe(field(first.json, "order", "orderId"));
    const other = await checkout([{ productId: smartphone.productId, quantity: 2 }], "cart-1");
    expect([other.status, errorReason(other.json)]).toEqual([400, "IDEMPOTENCY_KEY_REUSED"]);
  });

  it("answers 100,000 units of Smartphone X with INSUFFICIENT_STOCK, and refuses lines past the limit and malformed ids", async () => {
    const huge = await checkout([{ productId: smartphone.productId, quantity: 100_000 }]);
    expect([huge.status, errorReason(huge.json)]).toEqual([400, "INSUFFICIENT_STOCK"]);
    const pastLimit = await checkout([{ productId: smartphone.productId, quantity: 1_000_000_001 }]);
    expect(pastLimit.status).toBe(400);
    expect(errorReason(pastLimit.json)).not.toBe("INSUFFICIENT_STOCK");
    const malformed = await rest("GET", "/v1/availability?productIds=abc");
    expect(malformed.status).toBe(400);
    const fine = await rest("GET", `/v1/availability?productIds=${smartphone.productId}`);
    expect(fine.status).toBe(200);
  });

  it("returns the shop a seller registration made", async () => {
    const registered = await rest("POST", "/v1/users:register", {
      body: { email: "new.seller@example.com", password: "long enough", shopName: "Corner Store", shopDescription: "Odds and ends" },
    });
    expect(registered.status).toBe(200);
    const shop = registered.json.shop as Json;
    expect(shop).toMatchObject({ name: "Corner Store", description: "Odds and ends", ownerUserId: field(registered.json, "user", "userId") });
    const read = await rest("GET", `/v1/shops/${String(shop.shopId)}`);
    expect(read.json.shop).toEqual(shop);
    const buyer = await rest("POST", "/v1/users:register", { body: { email: "new.buyer@example.com", password: "long enough" } });
    expect(buyer.status).toBe(200);
    expect(buyer.json.shop).toBeUndefined();
  });
});
