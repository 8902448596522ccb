import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DomainError } from "@wms/errors";
import { fromTimestamp } from "@wms/grpc";
import type { Order } from "@wms/proto/order";
import { line, startOrderMesh, type OrderMesh } from "../testing/mesh.js";

// Two order replicas sweeping every 50 ms and two warehouse replicas sweeping their own
// expired reservations just as often, all racing the buyers' payments around a 2 s expiry.
const fastSweep = { RESERVATION_SWEEP_INTERVAL: "50ms" };
const shortTtl = { RESERVATION_TTL: "2s", SWEEP_INTERVAL: "50ms" };
let mesh: OrderMesh;

beforeAll(async () => {
  mesh = await startOrderMesh({
    label: "order_pay_race",
    warehouses: [fastSweep, fastSweep],
    orders: [{ env: shortTtl, warehouse: 0 }, { env: shortTtl, warehouse: 1 }],
  });
});
afterAll(async () => {
  await mesh?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

describe("payment racing expiry", () => {
  it("ends each of 100 orders either PAID with its stock committed or EXPIRED with it released", async () => {
    const { productId } = await mesh.product(500, [60, 40]);
    const { token } = await mesh.buyer();
    // Payment lands around each order's expiry: the first ten well before (they must be paid),
    // the last ten after (they must expire), the rest within ±150 ms of it. Each payment is
    // scheduled as soon as its checkout answered.
    const pay = async (order: Order, i: number): Promise<string> => {
      const offset = i < 10 ? -1000 : i >= 90 ? 400 : Math.round(Math.random() * 300 - 150);
      await sleep(fromTimestamp(order.expireTime!).getTime() + offset - Date.now());
      return mesh.orders[i % 2]!.payOrder({ orderId: order.orderId, paymentReference: `psp-${i}` }, { bearerToken: token }).then(
        () => "PAID",
        (err: unknown) => (err instanceof DomainError ? err.reason : String(err)),
      );
    };
    const orders: Order[] = [];
    const payments: Array<Promise<string>> = [];
    // A few at a time, so no checkout waits long enough on the SKU lock to eat into its TTL.
    for (let i = 0; i < 100; i += 5) {
      const batch = await Promise.all(
        Array.from({ length: 5 }, (_, j) => mesh.orders[(i + j) % 2]!.checkout({ items: [line(productId)], idempotencyKey: `race-${i + j}` }, { bearerToken: token })),
      );
      batch.forEach((r, j) => {
        orders.push(r.order!);
        payments.push(pay(r.order!, i + j));
      });
    }
    const outcomes = await Promise.all(payments);
    expect(new Set(outcomes)).toEqual(new Set(["PAID", "ORDER_EXPIRED"]));
    expect(outcomes.slice(0, 10)).toEqual(Array(10).fill("PAID"));
    expect(outcomes.slice(90)).toEqual(Array(10).fill("ORDER_EXPIRED"));

    // Let the sweepers finish whatever the payments left: nothing may stay pending or held.
    const until = Date.now() + 15_000;
    for (;;) {
      const [pending] = await mesh.sql<{ n: number }[]>`select
        (select count(*) from "order".orders where status in ('PENDING', 'PENDING_PAYMENT'))::int +
        (select count(*) from warehouse.reservations where status = 'HELD')::int as n`;
      if (pending?.n === 0) break;
      if (Date.now() > until) throw new Error(`${pending?.n} orders or reservations never settled`);
      await sleep(100);
    }

    const ids = orders.map((o) => o.orderId);
    const rows = await mesh.sql<{ order_id: string; order_status: string; reservation_status: string | null }[]>`
      select o.order_id, o.status as order_status, r.status as reservation_status
      from "order".orders o left join warehouse.reservations r on r.reservation_id = o.order_id::text
      where o.order_id = any(${ids}::uuid[])`;
    const byId = new Map(rows.map((r) => [r.order_id, r]));
    let paid = 0;
    ids.forEach((id, i) => {
      const row = byId.get(id);
      const pair = [row?.order_status, row?.reservation_status];
      // What the buyer was told is what happened, and the order agrees with the warehouse.
      expect(pair, `order ${i}`).toEqual(outcomes[i] === "PAID" ? ["PAID", "COMMITTED"] : ["EXPIRED", "RELEASED"]);
      if (outcomes[i] === "PAID") paid += 1;
    });

    const [levels] = await mesh.sql<{ on_hand: number; reserved: number }[]>`
      select sum(on_hand)::int as on_hand, sum(reserved)::int as reserved from warehouse.stock_levels where product_id = ${productId}`;
    expect(levels).toEqual({ on_hand: 100 - paid, reserved: 0 });
    expect(await mesh.available(productId)).toBe(100 - paid);
    expect(await mesh.ledgerProblems()).toEqual([]);
  });
});
