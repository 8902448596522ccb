import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DomainError } from "@wms/errors";
import { OrderStatus, type CheckoutItem, type Order } from "@wms/proto/order";
import { line, startOrderMesh, type OrderMesh } from "../testing/mesh.js";

// Two order instances, each calling its own warehouse instance; both warehouses lock SKUs
// through the same Redis and share the database, as replicas do.
let mesh: OrderMesh;

beforeAll(async () => {
  mesh = await startOrderMesh({ label: "order_rush", warehouses: [{}, {}], orders: [{ warehouse: 0 }, { warehouse: 1 }] });
});
afterAll(async () => {
  await mesh?.stop();
});

/** Fires every checkout at once, spread over the order instances; returns the orders and the error reasons. */
async function rush(requests: CheckoutItem[][]): Promise<{ placed: Order[]; reasons: string[] }> {
  const buyers = await Promise.all(requests.map(() => mesh.buyer()));
  const deadline = new Date(Date.now() + 45_000);
  const outcomes = await Promise.all(
    requests.map((items, i) =>
      mesh.orders[i % mesh.orders.length]!.checkout({ items, idempotencyKey: `rush-${i}` }, { bearerToken: buyers[i]!.token, deadline }).then(
        (r) => r.order!,
        (err: unknown) => (err instanceof DomainError ? `${err.kind}/${err.reason}` : String(err)),
      ),
    ),
  );
  return {
    placed: outcomes.filter((o): o is Order => typeof o !== "string"),
    reasons: outcomes.filter((o): o is string => typeof o === "string"),
  };
}

async function statusCounts(): Promise<Record<string, number>> {
  const rows = await mesh.sql<{ status: string; n: number }[]>`select status, count(*)::int as n from "order".orders group by status`;
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

describe("concurrent checkouts", () => {
  it("sells exactly the 50 units of three warehouses to 200 buyers at once, through two replicas", async () => {
    const stock = [20, 17, 13];
    const { productId, warehouseIds } = await mesh.product(999, stock);
    const { placed, reasons } = await rush(Array.from({ length: 200 }, () => [line(productId, 1)]));

    expect(placed).toHaveLength(50);
    expect(new Set(reasons)).toEqual(new Set(["FAILED_PRECONDITION/INSUFFICIENT_STOCK"]));
    expect(reasons).toHaveLength(150);
    for (const order of placed) {
      expect(order.status).toBe(OrderStatus.ORDER_STATUS_PENDING_PAYMENT);
      expect(order.items[0]?.allocations.reduce((n, a) => n + a.quantity, 0)).toBe(1);
    }
    // Every warehouse's units went to exactly the orders that record them.
    const perWarehouse = new Map<string, number>();
    for (const a of placed.flatMap((o) => o.items.flatMap((i) => i.allocations))) perWarehouse.set(a.warehouseId, (perWarehouse.get(a.warehouseId) ?? 0) + a.quantity);
    expect(warehouseIds.map((w) => perWarehouse.get(w) ?? 0)).toEqual(stock);

    expect(await mesh.available(productId)).toBe(0);
    expect(await mesh.ledgerProblems()).toEqual([]);
    const held = await mesh.sql<{ n: number }[]>`select count(*)::int as n from warehouse.reservations where status = 'HELD'`;
    expect(held[0]?.n).toBe(50);
    expect(await statusCounts()).toEqual({ PENDING_PAYMENT: 50, FAILED: 150 });
  });

  it("serves multi-line orders naming the same SKUs in opposite orders without deadlock", async () => {
    const a = await mesh.product(100, [15, 15]);
    const b = await mesh.product(200, [10, 20]);
    const before = await statusCounts();
    const requests = Array.from({ length: 80 }, (_, i) =>
      i % 2 === 0 ? [line(a.productId), line(b.productId)] : [line(b.productId), line(a.productId)],
    );
    const { placed, reasons } = await rush(requests);

    expect(placed).toHaveLength(30);
    expect(new Set(reasons)).toEqual(new Set(["FAILED_PRECONDITION/INSUFFICIENT_STOCK"]));
    for (const order of placed) expect(order.totalCents).toBe(300);
    expect([await mesh.available(a.productId), await mesh.available(b.productId)]).toEqual([0, 0]);
    expect(await mesh.ledgerProblems()).toEqual([]);
    const after = await statusCounts();
    expect((after.PENDING_PAYMENT ?? 0) - (before.PENDING_PAYMENT ?? 0)).toBe(30);
    expect(after.PENDING).toBeUndefined();
  });
});
