import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "@wms/db";
import { OrderStatus } from "@wms/proto/order";
import { rejection } from "@wms/testing";
import { line, startOrderMesh, type OrderMesh } from "../testing/mesh.js";

// One mesh for the file: order instance 0 (15 min TTL) and 1 (1 s TTL, fast sweeper) call a
// healthy warehouse; instance 2 calls a warehouse whose Redis does not answer.
let mesh: OrderMesh;

beforeAll(async () => {
  mesh = await startOrderMesh({
    label: "order_rpcs",
    warehouses: [{}, { REDIS_URLS: "redis://127.0.0.1:1" }],
    orders: [{}, { env: { RESERVATION_TTL: "1s", SWEEP_INTERVAL: "100ms" } }, { warehouse: 1 }],
  });
});
afterAll(async () => {
  await mesh?.stop();
});

const client = (i = 0) => mesh.orders[i]!;

describe("OrderService over gRPC with the real warehouse", () => {
  it("checks out, records where units were reserved, and pays", async () => {
    const { productId, warehouseIds } = await mesh.product(1250, [3, 10]);
    const { token, userId } = await mesh.buyer();
    const { order } = await client().checkout({ items: [line(productId, 2), line(productId, 2)], idempotencyKey: "" }, { bearerToken: token });
    expect(order?.status).toBe(OrderStatus.ORDER_STATUS_PENDING_PAYMENT);
    expect(order?.userId).toBe(userId);
    expect(order?.totalCents).toBe(4 * 1250);
    // One warehouse has enough: the whole line comes from it.
    expect(order?.items).toEqual([{ productId, quantity: 4, unitPriceCents: 1250, allocations: [{ warehouseId: warehouseIds[1], quantity: 4 }] }]);
    expect(await mesh.available(productId)).toBe(9);
    const { order: paid } = await client().payOrder({ orderId: order!.orderId, paymentReference: "psp-1" }, { bearerToken: token });
    expect(paid?.status).toBe(OrderStatus.ORDER_STATUS_PAID);
    expect(paid?.payTime).toBeDefined();
    expect(await mesh.reservationStatus(order!.orderId)).toBe("COMMITTED");
    expect(await mesh.available(productId)).toBe(9);
    expect(await mesh.ledgerProblems()).toEqual([]);
  });

  it("returns the same order for the same key, sequentially and concurrently, and reserves once", async () => {
    const { productId } = await mesh.product(100, [20]);
    const { token } = await mesh.buyer();
    const request = { items: [line(productId, 3)], idempotencyKey: "idem-1" };
    const results = await Promise.all(Array.from({ length: 10 }, () => client().checkout(request, { bearerToken: token })));
    const again = await client().checkout(request, { bearerToken: token });
    expect(new Set([...results, again].map((r) => r.order?.orderId)).size).toBe(1);
    expect(await mesh.available(productId)).toBe(17);
    const { orders } = await client().listOrders({ status: OrderStatus.ORDER_STATUS_UNSPECIFIED, pageSize: 0, pageToken: "" }, { bearerToken: token });
    expect(orders.map((o) => o.orderId)).toEqual([again.order?.orderId]);
  });

  it("cancel returns the stock", async () => {
    const { productId } = await mesh.product(100, [5]);
    const { token } = await mesh.buyer();
    const { order } = await client().checkout({ items: [line(productId, 5)], idempotencyKey: "" }, { bearerToken: token });
    expect(await mesh.available(productId)).toBe(0);
    const { order: cancelled } = await client().cancelOrder({ orderId: order!.orderId }, { bearerToken: token });
    expect(cancelled?.status).toBe(OrderStatus.ORDER_STATUS_CANCELLED);
    expect(await mesh.available(productId)).toBe(5);
    expect(await mesh.reservationStatus(order!.orderId)).toBe("RELEASED");
    expect((await rejection(client().payOrder({ orderId: order!.orderId, paymentReference: "" }, { bearerToken: token }))).reason).toBe("ORDER_NOT_PENDING");
  });

  it("expires an unpaid order on its own; paying it then is ORDER_EXPIRED", async () => {
    const { productId } = await mesh.product(100, [4]);
    const { token } = await mesh.buyer();
    const { order } = await client(1).checkout({ items: [line(productId, 4)], idempotencyKey: "" }, { bearerToken: token });
    expect(await mesh.available(productId)).toBe(0);
    await eventually(async () => (await client(1).getOrder({ orderId: order!.orderId }, { bearerToken: token })).order?.status === OrderStatus.ORDER_STATUS_EXPIRED);
    expect(await mesh.available(productId)).toBe(4);
    const err = await rejection(client(1).payOrder({ orderId: order!.orderId, paymentReference: "late" }, { bearerToken: token }));
    expect([err.kind, err.reason]).toEqual(["FAILED_PRECONDITION", "ORDER_EXPIRED"]);
    expect(await mesh.reservationStatus(order!.orderId)).toBe("RELEASED");
  });

  it("refuses too little stock with the warehouse's INSUFFICIENT_STOCK, showing no order and reserving nothing", async () => {
    const a = await mesh.product(100, [5]);
    const b = await mesh.product(100, [1]);
    const { token } = await mesh.buyer();
    const err = await rejection(client().checkout({ items: [line(a.productId, 2), line(b.productId, 2)], idempotencyKey: "short" }, { bearerToken: token }));
    expect([err.kind, err.reason, err.domain]).toEqual(["FAILED_PRECONDITION", "INSUFFICIENT_STOCK", "wms.warehouse.v1"]);
    expect([await mesh.available(a.productId), await mesh.available(b.productId)]).toEqual([5, 1]);
    expect((await client().listOrders({ status: 0, pageSize: 0, pageToken: "" }, { bearerToken: token })).orders).toEqual([]);
    // The key may be used again.
    const { order } = await client().checkout({ items: [line(a.productId, 2), line(b.productId, 1)], idempotencyKey: "short" }, { bearerToken: token });
    expect(order?.status).toBe(OrderStatus.ORDER_STATUS_PENDING_PAYMENT);
  });

  it("refuses bad input with field violations and writes nothing", async () => {
    const { productId } = await mesh.product(100, [5]);
    const { token } = await mesh.buyer();
    const rows = await mesh.orderRows();
    const cases: Array<[Parameters<ReturnType<typeof client>["checkout"]>[0], string[]]> = [
      [{ items: [], idempotencyKey: "" }, ["items"]],
      [{ items: [line(productId, 0), line("x", 1)], idempotencyKey: "" }, ["items[0].quantity", "items[1].product_id"]],
      [{ items: [line(productId, 1_000_000_001)], idempotencyKey: "k".repeat(201) }, ["idempotency_key", "items[0].quantity"]],
      [{ items: [line(productId, 1), line(newId(), 1)], idempotencyKey: "" }, ["items[1].product_id"]],
    ];
    for (const [request, fields] of cases) {
      const err = await rejection(client().checkout(request, { bearerToken: token }));
      expect(err.kind).toBe("INVALID_ARGUMENT");
      expect(err.fieldViolations.map((v) => v.field)).toEqual(fields);
    }
    expect(await mesh.orderRows()).toBe(rows);
    expect(await mesh.available(productId)).toBe(5);
  });

  it("fails fast with UNAVAILABLE when the warehouse cannot reach Redis, changing nothing", async () => {
    const { productId } = await mesh.product(100, [5]);
    const { token } = await mesh.buyer();
    // A lock wait would end at the deadline as LOCK_TIMEOUT or DEADLINE_EXCEEDED; UNAVAILABLE
    // says the warehouse gave up on the dead Redis at once.
    const deadline = new Date(Date.now() + 20_000);
    const err = await rejection(client(2).checkout({ items: [line(productId, 1)], idempotencyKey: "no-redis" }, { bearerToken: token, deadline }));
    expect([err.kind, err.reason]).toEqual(["UNAVAILABLE", "LOCK_SERVICE_UNAVAILABLE"]);
    expect(await mesh.available(productId)).toBe(5);
    expect((await client(2).listOrders({ status: 0, pageSize: 0, pageToken: "" }, { bearerToken: token })).orders).toEqual([]);
    expect(await mesh.ledgerProblems()).toEqual([]);
  });

  it("answers only the owning buyer, and lists newest first by status", async () => {
    const { productId } = await mesh.product(100, [50]);
    const owner = await mesh.buyer();
    const other = await mesh.buyer();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await client().checkout({ items: [line(productId)], idempotencyKey: "" }, { bearerToken: owner.token })).order!.orderId);
    }
    await client().cancelOrder({ orderId: ids[2]! }, { bearerToken: owner.token });
    for (const call of [
      () => client().getOrder({ orderId: ids[0]! }, { bearerToken: other.token }),
      () => client().payOrder({ orderId: ids[0]!, paymentReference: "" }, { bearerToken: other.token }),
      () => client().cancelOrder({ orderId: ids[0]! }, { bearerToken: other.token }),
      () => client().getOrder({ orderId: "nope" }, { bearerToken: owner.token }),
    ]) {
      expect((await rejection(call())).reason).toBe("ORDER_NOT_FOUND");
    }
    const seen: string[] = [];
    let pageToken = "";
    do {
      const page = await client().listOrders({ status: 0, pageSize: 2, pageToken }, { bearerToken: owner.token });
      seen.push(...page.orders.map((o) => o.orderId));
      pageToken = page.nextPageToken;
    } while (pageToken);
    expect(seen).toEqual([...ids].reverse());
    const cancelled = await client().listOrders({ status: OrderStatus.ORDER_STATUS_CANCELLED, pageSize: 0, pageToken: "" }, { bearerToken: owner.token });
    expect(cancelled.orders.map((o) => o.orderId)).toEqual([ids[2]]);
    expect((await client().listOrders({ status: 0, pageSize: 0, pageToken: "" }, { bearerToken: other.token })).orders).toEqual([]);
    expect((await rejection(client().listOrders({ status: 99 as OrderStatus, pageSize: 0, pageToken: "" }, { bearerToken: owner.token }))).fieldViolations[0]?.field).toBe("status");
  });

  it("is for buyers: no token is UNAUTHENTICATED, a seller PERMISSION_DENIED", async () => {
    const request = { items: [line(newId())], idempotencyKey: "" };
    expect((await rejection(client().checkout(request))).kind).toBe("UNAUTHENTICATED");
    expect((await rejection(client().checkout(request, { bearerToken: mesh.sellerToken }))).kind).toBe("PERMISSION_DENIED");
    expect((await rejection(client().listOrders({ status: 0, pageSize: 0, pageToken: "" }, { bearerToken: await mesh.tokens.service("warehouse") }))).kind).toBe(
      "PERMISSION_DENIED",
    );
  });
});

async function eventually(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error("condition not reached in time");
    await new Promise((r) => setTimeout(r, 100));
  }
}
