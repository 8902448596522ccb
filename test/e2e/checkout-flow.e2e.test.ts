import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoProducts } from "@wms/demo";
import { startMesh, restClient, errorReason, type Mesh } from "../support/mesh.js";
import { startProcessMesh } from "../support/process-mesh.js";

const fast = { RESERVATION_TTL: "3s", SWEEP_INTERVAL: "200ms", RESERVATION_SWEEP_INTERVAL: "200ms" };

// The buyer's checkout flow over REST with a 3 s reservation, on the embedded mesh in one
// process and on `npm run mesh` (every replica its own process, PostgreSQL + Redlock).
describe.each([
  { mode: "embedded", real: false },
  { mode: "every service its own process, PostgreSQL + Redis", real: true },
])("checkout flow over REST ($mode)", ({ real }) => {
  let mesh: Mesh;
  let rest: ReturnType<typeof restClient>;
  let buyer: string;
  const headphones = demoProducts.find((p) => p.name === "Wireless Headphones")!;
  const blender = demoProducts.find((p) => p.name === "Kitchen Blender")!;

  const available = async (productId: string) =>
    Number(((await rest("GET", `/v1/products/${productId}`)).json.product as Record<string, string>).availableQuantity);
  const checkout = (items: Array<{ productId: string; quantity: string | number }>, idempotencyKey = "") =>
    rest("POST", "/v1/orders", { token: buyer, body: { items, idempotencyKey } });
  const order = async (orderId: string) => (await rest("GET", `/v1/orders/${orderId}`, { token: buyer })).json.order as Record<string, unknown>;

  async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > until) throw new Error("condition not reached in time");
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  beforeAll(async () => {
    mesh = real ? await startProcessMesh(fast) : await startMesh(fast);
    rest = restClient(mesh.restUrl);
    buyer = (await rest("POST", "/v1/users:login", { body: { login: "dmp.buyer@domain.com", password: "123456" } })).json.accessToken as string;
  }, 180_000);
  afterAll(async () => {
    await mesh?.stop();
  });

  it("checkout lowers availability and payment keeps it lowered", async () => {
    const start = await available(headphones.productId);
    const placed = await checkout([{ productId: headphones.productId, quantity: 2 }, { productId: headphones.productId, quantity: "1" }], "pay-me");
    expect(placed.status).toBe(200);
    const o = placed.json.order as Record<string, unknown>;
    expect(o.status).toBe("ORDER_STATUS_PENDING_PAYMENT");
    expect(o.totalCents).toBe(String(3 * headphones.priceCents));
    expect((o.items as unknown[]).length).toBe(1);
    expect(await available(headphones.productId)).toBe(start - 3);
    // The same key returns the same order and reserves once.
    const again = await checkout([{ productId: headphones.productId, quantity: 3 }], "pay-me");
    expect((again.json.order as Record<string, unknown>).orderId).toBe(o.orderId);
    expect(await available(headphones.productId)).toBe(start - 3);

    const paid = await rest("POST", `/v1/orders/${String(o.orderId)}:pay`, { token: buyer, body: { paymentReference: "psp-1" } });
    expect(paid.status).toBe(200);
    expect((paid.json.order as Record<string, unknown>).status).toBe("ORDER_STATUS_PAID");
    await new Promise((r) => setTimeout(r, 3500)); // past the TTL: a paid order keeps its stock
    expect(await available(headphones.productId)).toBe(start - 3);
    const payAgain = await rest("POST", `/v1/orders/${String(o.orderId)}:pay`, { token: buyer, body: {} });
    expect([payAgain.status, errorReason(payAgain.json)]).toEqual([400, "ORDER_NOT_PENDING"]);
  });

  it("an unpaid order expires, its stock returns, and paying it is 400 ORDER_EXPIRED", async () => {
    const start = await available(blender.productId);
    const placed = await checkout([{ productId: blender.productId, quantity: 4 }]);
    const orderId = String((placed.json.order as Record<string, unknown>).orderId);
    expect(await available(blender.productId)).toBe(start - 4);
    await eventually(async () => (await order(orderId)).status === "ORDER_STATUS_EXPIRED");
    expect(await available(blender.productId)).toBe(start);
    const late = await rest("POST", `/v1/orders/${orderId}:pay`, { token: buyer, body: { paymentReference: "late" } });
    expect([late.status, errorReason(late.json)]).toEqual([400, "ORDER_EXPIRED"]);
  });

  it("cancel returns the stock", async () => {
    const start = await available(blender.productId);
    const placed = await checkout([{ productId: blender.productId, quantity: 5 }]);
    const orderId = String((placed.json.order as Record<string, unknown>).orderId);
    expect(await available(blender.productId)).toBe(start - 5);
    const cancelled = await rest("POST", `/v1/orders/${orderId}:cancel`, { token: buyer, body: {} });
    expect((cancelled.json.order as Record<string, unknown>).status).toBe("ORDER_STATUS_CANCELLED");
    expect(await available(blender.productId)).toBe(start);
    const listed = await rest("GET", "/v1/orders?status=ORDER_STATUS_CANCELLED", { token: buyer });
    expect((listed.json.orders as Array<Record<string, unknown>>).map((x) => x.orderId)).toContain(orderId);
  });

  it("bad input and too little stock are 400 and change nothing", async () => {
    const start = await available(blender.productId);
    for (const items of [[], [{ productId: blender.productId, quantity: 0 }], [{ productId: blender.productId, quantity: -1 }]]) {
      const res = await checkout(items);
      expect(res.status).toBe(400);
      expect(errorReason(res.json)).toBe("INVALID_FIELDS");
    }
    // Field paths use the JSON names the client sent, each violation with a reason.
    const badId = await checkout([{ productId: blender.productId, quantity: 1 }, { productId: "abc", quantity: 1 }]);
    expect(badId.status).toBe(400);
    const badRequest = (badId.json.details as Array<Record<string, unknown>>).find((d) => String(d["@type"]).endsWith("google.rpc.BadRequest"));
    expect(badRequest?.fieldViolations).toEqual([{ field: "items[1].productId", reason: "INVALID_FORMAT", description: "must be a product id" }]);
    const tooMany = await checkout([{ productId: blender.productId, quantity: 1 }, { productId: headphones.productId, quantity: 9000 }]);
    expect(tooMany.status).toBe(400);
    expect(errorReason(tooMany.json)).toBe("INSUFFICIENT_STOCK");
    const info = (tooMany.json.details as Array<Record<string, unknown>>).find((d) => String(d["@type"]).endsWith("google.rpc.ErrorInfo"));
    expect(info?.metadata).toMatchObject({ productId: headphones.productId, requested: "9000", available: expect.stringMatching(/^\d+$/) });
    expect(await available(blender.productId)).toBe(start);
    expect((await rest("POST", "/v1/orders", { body: { items: [{ productId: blender.productId, quantity: 1 }] } })).status).toBe(401);
  });
});
