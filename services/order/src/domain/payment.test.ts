import { beforeEach, describe, expect, it } from "vitest";
import { newId } from "@wms/db";
import { ReservationStatus } from "@wms/proto/warehouse";
import { rejection, TestClock } from "@wms/testing";
import { lostReply } from "../testing/fakes.js";
import { orderDomainTest } from "../testing/domain.js";
import { sweepOrders } from "./sweeper.js";

const TTL = 60_000;
const product = newId();
const t = orderDomainTest({
  reservationTtlMs: TTL,
  products: [{ productId: product, stock: 100, priceCents: 500 }],
  // Each test starts a day later, so orders left by earlier tests are long lapsed and swept first.
  clock: () => new TestClock(Date.parse("2026-11-01T10:00:00Z") + 86_400_000 * Math.floor(Math.random() * 1000)),
});
let buyer: string;
beforeEach(() => {
  buyer = newId();
});

const place = (quantity = 1) => t.orders.checkout({ userId: buyer, items: [{ productId: product, quantity }], idempotencyKey: "" });
const sweeper = (batchSize = 100) => t.sweeper(batchSize);

describe("pay and cancel", () => {
  it("pays a pending order once; a replay with the same reference returns it, another reference is refused", async () => {
    const order = await place(3);
    t.clock.advance(1_000);
    const paid = await t.orders.payOrder({ userId: buyer, orderId: order.orderId, paymentReference: "pay-1" });
    expect([paid.status, paid.payTime?.getTime(), paid.paymentReference]).toEqual(["PAID", t.clock.now().getTime(), "pay-1"]);
    expect(t.warehouse.statusOf(order.orderId)).toBe(ReservationStatus.RESERVATION_STATUS_COMMITTED);
    expect((await t.orders.payOrder({ userId: buyer, orderId: order.orderId, paymentReference: "pay-1" })).status).toBe("PAID");
    expect((await rejection(t.orders.payOrder({ userId: buyer, orderId: order.orderId, paymentReference: "pay-2" }))).reason).toBe("ORDER_NOT_PENDING");
    expect((await rejection(t.orders.cancelOrder({ userId: buyer, orderId: order.orderId }))).reason).toBe("ORDER_NOT_PENDING");
    expect(t.warehouse.available.get(product)).toBe(97);
  });

  it("refuses to pay at or after the expire time, releasing the stock", async () => {
    const order = await place(2);
    t.clock.advance(TTL);
    const err = await rejection(t.orders.payOrder({ userId: buyer, orderId: order.orderId, paymentReference: "late" }));
    expect([err.kind, err.reason]).toEqual(["FAILED_PRECONDITION", "ORDER_EXPIRED"]);
    expect((await t.orders.getOrder(buyer, order.orderId)).status).toBe("EXPIRED");
    expect(t.warehouse.statusOf(order.orderId)).toBe(ReservationStatus.RESERVATION_STATUS_RELEASED);
    expect(t.warehouse.available.get(product)).toBe(100);
    expect(t.warehouse.count("commit")).toBe(0);
    expect((await rejection(t.orders.cancelOrder({ userId: buyer, orderId: order.orderId }))).reason).toBe("ORDER_EXPIRED");
  });

  it("expires the order when the warehouse already let the reservation go", async () => {
    const order = await place();
    await t.warehouse.releaseReservation({ reservationId: order.orderId }); // the warehouse's own sweeper
    const err = await rejection(t.orders.payOrder({ userId: buyer, orderId: order.orderId, paymentReference: "r" }));
    expect(err.reason).toBe("ORDER_EXPIRED");
    expect((await t.orders.getOrder(buyer, order.orderId)).status).toBe("EXPIRED");
  });

  it("keeps the order pending when the commit's outcome is unknown; the retry pays it", async () => {
    const order = await place();
    t.warehouse.after.commit = () => {
      throw lostReply();
    };
    expect((await rejection(t.orders.payOrder({ userId: buyer, orderId: order.orderId, paymentReference: "r" }))).kind).toBe("DEADLINE_EXCEEDED");
    expect((await t.orders.getOrder(buyer, order.orderId)).status).toBe("PENDING_PAYMENT");
    t.warehouse.after.commit = undefined;
    expect((await t.orders.payOrder({ userId: buyer, orderId: order.orderId, paymentReference: "r" })).status).toBe("PAID");
  });

  it("lets the sweeper find a lost commit and the payer then fill in its reference", async () => {
    const order = await place();
    t.warehouse.after.commit = () => {
      throw lostReply();
    };
    await rejection(t.orders.payOrder({ userId: buyer, orderId: order.orderId, paymentReference: "r" }));
    t.warehouse.after.commit = undefined;
    t.clock.advance(TTL);
    const result = await sweepOrders(sweeper());
    expect(result.paid).toBeGreaterThanOrEqual(1);
    const found = await t.orders.getOrder(buyer, order.orderId);
    expect([found.status, found.paymentReference]).toEqual(["PAID", null]);
    // The payer's retry: the warehouse replays COMMITTED, the order keeps PAID with the reference.
    t.clock.advance(-TTL);
    expect((await t.orders.payOrder({ userId: buyer, orderId: order.orderId, paymentReference: "r" })).status).toBe("PAID");
  });

  it("cancels a pending order, returning its stock; a second cancel returns it as it is", async () => {
    const order = await place(5);
    const cancelled = await t.orders.cancelOrder({ userId: buyer, orderId: order.orderId });
    expect(cancelled.status).toBe("CANCELLED");
    expect(t.warehouse.available.get(product)).toBe(100);
    expect((await t.orders.cancelOrder({ userId: buyer, orderId: order.orderId })).status).toBe("CANCELLED");
    expect((await rejection(t.orders.payOrder({ userId: buyer, orderId: order.orderId, paymentReference: "" }))).reason).toBe("ORDER_NOT_PENDING");
  });

  it("marks the order PAID when a cancel finds its reservation committed", async () => {
    const order = await place();
    await t.warehouse.commitReservation({ reservationId: order.orderId }); // a payment whose order update is still on its way
    expect((await rejection(t.orders.cancelOrder({ userId: buyer, orderId: order.orderId }))).reason).toBe("ORDER_NOT_PENDING");
    expect((await t.orders.getOrder(buyer, order.orderId)).status).toBe("PAID");
  });

  it("hides other buyers' orders and malformed ids behind NOT_FOUND", async () => {
    const order = await place();
    for (const call of [
      () => t.orders.getOrder(newId(), order.orderId),
      () => t.orders.payOrder({ userId: newId(), orderId: order.orderId, paymentReference: "" }),
      () => t.orders.cancelOrder({ userId: newId(), orderId: order.orderId }),
      () => t.orders.getOrder(buyer, "not-an-id"),
    ]) {
      const err = await rejection(call());
      expect([err.kind, err.reason]).toEqual(["NOT_FOUND", "ORDER_NOT_FOUND"]);
    }
    expect((await rejection(t.orders.payOrder({ userId: buyer, orderId: order.orderId, paymentReference: "x".repeat(201) }))).fieldViolations[0]?.field).toBe(
      "payment_reference",
    );
  });
});

describe("sweeper and listing", () => {
  it("expires lapsed orders in batches, pays the committed one, and leaves unexpired ones", async () => {
    const lapsing = await Promise.all(Array.from({ length: 7 }, () => place()));
    const committed = lapsing[0]!;
    await t.warehouse.commitReservation({ reservationId: committed.orderId });
    t.clock.advance(TTL - 1);
    const fresh = await place();
    t.clock.advance(1);
    const result = await sweepOrders(sweeper(3));
    expect(result.errors).toBe(0);
    for (const order of lapsing) {
      expect((await t.orders.getOrder(buyer, order.orderId)).status).toBe(order === committed ? "PAID" : "EXPIRED");
    }
    expect((await t.orders.getOrder(buyer, fresh.orderId)).status).toBe("PENDING_PAYMENT");
    expect(t.warehouse.available.get(product)).toBe(100 - 2);
  });

  it("never handles an order twice when replicas sweep at once", async () => {
    const placed = await Promise.all(Array.from({ length: 30 }, () => place()));
    t.clock.advance(TTL);
    const results = await Promise.all([sweepOrders(sweeper(4)), sweepOrders(sweeper(4)), sweepOrders(sweeper(4))]);
    expect(results.reduce((n, r) => n + r.expired, 0)).toBeGreaterThanOrEqual(30);
    for (const order of placed) expect(t.warehouse.count("release", order.orderId)).toBe(1);
    expect(t.warehouse.available.get(product)).toBe(100);
  });

  it("retries an order whose release failed on the next sweep", async () => {
    const order = await place();
    t.clock.advance(TTL);
    t.warehouse.before.release = () => {
      throw lostReply();
    };
    expect((await sweepOrders(sweeper())).errors).toBeGreaterThanOrEqual(1);
    expect((await t.orders.getOrder(buyer, order.orderId)).status).toBe("PENDING_PAYMENT");
    t.warehouse.before.release = undefined;
    await sweepOrders(sweeper());
    expect((await t.orders.getOrder(buyer, order.orderId)).status).toBe("EXPIRED");
  });

  it("lists the buyer's own orders newest first, by status, page by page", async () => {
    const placed = [];
    for (let i = 0; i < 5; i++) placed.push(await place());
    await t.orders.cancelOrder({ userId: buyer, orderId: placed[1]!.orderId });
    const seen: string[] = [];
    let beforeId: string | undefined;
    for (;;) {
      const page = await t.orders.listOrders({ userId: buyer, limit: 2, beforeId });
      seen.push(...page.rows.map((o) => o.orderId));
      if (!page.hasMore) break;
      beforeId = page.rows[page.rows.length - 1]!.orderId;
    }
    expect(seen).toEqual(placed.map((o) => o.orderId).reverse());
    const cancelled = await t.orders.listOrders({ userId: buyer, status: "CANCELLED", limit: 10 });
    expect(cancelled.rows.map((o) => o.orderId)).toEqual([placed[1]!.orderId]);
    expect((await t.orders.listOrders({ userId: newId(), limit: 10 })).rows).toEqual([]);
  });
});
