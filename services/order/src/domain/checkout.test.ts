import { describe, expect, it } from "vitest";
import { newId } from "@wms/db";
import { ReservationStatus } from "@wms/proto/warehouse";
import { rejection } from "@wms/testing";
import { lostReply } from "../testing/fakes.js";
import { orderDomainTest } from "../testing/domain.js";
import { sweepOrders } from "./sweeper.js";

const TTL = 15 * 60_000;
const [p1, p2, p3] = [newId(), newId(), newId()];
const t = orderDomainTest({
  reservationTtlMs: TTL,
  products: [
    { productId: p1, stock: 10, priceCents: 1999 },
    { productId: p2, stock: 5, priceCents: 250 },
    { productId: p3, stock: 0, priceCents: 10 },
  ],
});
const sweep = () => sweepOrders(t.sweeper(10));

describe("checkout", () => {
  it("reserves every line, merges duplicates, prices in integer cents and records allocations", async () => {
    const buyer = newId();
    const order = await t.orders.checkout({
      userId: buyer,
      items: [{ productId: p1, quantity: 2 }, { productId: p2, quantity: 1 }, { productId: p1, quantity: 1 }],
      idempotencyKey: "",
    });
    expect(order.status).toBe("PENDING_PAYMENT");
    expect(order.items.map((i) => [i.productId, i.quantity, i.unitPriceCents])).toEqual([[p1, 3, 1999], [p2, 1, 250]]);
    expect(order.totalCents).toBe(3 * 1999 + 250);
    expect(order.expireTime.getTime()).toBe(t.clock.now().getTime() + TTL);
    expect(order.items[0]?.allocations).toEqual([{ warehouseId: "00000000-0000-7000-8000-00000000aaaa", quantity: 3 }]);
    expect(t.warehouse.available.get(p1)).toBe(7);
    expect(t.catalog.calls).toBe(1);
    expect(await t.orders.getOrder(buyer, order.orderId)).toEqual(order);
  });

  it("refuses bad input with every field violation and writes nothing", async () => {
    const before = await t.database.rowCount();
    const bad = await rejection(
      t.orders.checkout({
        userId: newId(),
        items: [{ productId: "nope", quantity: 1 }, { productId: p1, quantity: 0 }, { productId: p2, quantity: 1_000_000_001 }],
        idempotencyKey: "k".repeat(201),
      }),
    );
    expect(bad.kind).toBe("INVALID_ARGUMENT");
    expect(bad.fieldViolations.map((v) => v.field)).toEqual(["idempotency_key", "items[0].product_id", "items[1].quantity", "items[2].quantity"]);
    expect((await rejection(t.orders.checkout({ userId: newId(), items: [], idempotencyKey: "" }))).fieldViolations[0]?.field).toBe("items");
    const tooMany = Array.from({ length: 501 }, () => ({ productId: p1, quantity: 1 }));
    expect((await rejection(t.orders.checkout({ userId: newId(), items: tooMany, idempotencyKey: "" }))).fieldViolations).toEqual([
      { field: "items", reason: "TOO_MANY", description: "must contain at most 500 items" },
    ]);
    const merged = await rejection(t.orders.checkout({ userId: newId(), items: [{ productId: p1, quantity: 600_000_000 }, { productId: p1, quantity: 600_000_000 }], idempotencyKey: "" }));
    expect(merged.fieldViolations.map((v) => v.field)).toEqual(["items[0].quantity"]);
    const unknown = await rejection(t.orders.checkout({ userId: newId(), items: [{ productId: p1, quantity: 1 }, { productId: newId(), quantity: 1 }], idempotencyKey: "" }));
    expect(unknown.kind).toBe("INVALID_ARGUMENT");
    expect(unknown.fieldViolations).toEqual([{ field: "items[1].product_id", reason: "NOT_FOUND", description: "no such product" }]);
    expect(await t.database.rowCount()).toBe(before);
    expect(t.warehouse.calls).toEqual([]);
  });

  it("answers INSUFFICIENT_STOCK as the warehouse said it, hides the failed order and frees the key", async () => {
    const buyer = newId();
    const err = await rejection(t.orders.checkout({ userId: buyer, items: [{ productId: p1, quantity: 1 }, { productId: p3, quantity: 1 }], idempotencyKey: "k1" }));
    expect([err.kind, err.reason, err.domain]).toEqual(["FAILED_PRECONDITION", "INSUFFICIENT_STOCK", "wms.warehouse.v1"]);
    expect(t.warehouse.available.get(p1)).toBe(10);
    expect((await t.orders.listOrders({ userId: buyer, limit: 10 })).rows).toEqual([]);
    t.warehouse.stock(p3, 1);
    const retried = await t.orders.checkout({ userId: buyer, items: [{ productId: p1, quantity: 1 }, { productId: p3, quantity: 1 }], idempotencyKey: "k1" });
    expect(retried.status).toBe("PENDING_PAYMENT");
    expect((await t.orders.listOrders({ userId: buyer, limit: 10 })).rows.map((o) => o.orderId)).toEqual([retried.orderId]);
  });

  it("returns the same order for the same key, sequentially and concurrently, reserving once", async () => {
    const buyer = newId();
    const input = { userId: buyer, items: [{ productId: p2, quantity: 1 }], idempotencyKey: "same" };
    const results = await Promise.all(Array.from({ length: 8 }, () => t.orders.checkout(input)));
    const again = await t.orders.checkout(input);
    expect(new Set([...results, again].map((o) => o.orderId)).size).toBe(1);
    expect(new Set([...results, again].map((o) => o.status))).toEqual(new Set(["PENDING_PAYMENT"]));
    expect(t.warehouse.available.get(p2)).toBe(4);
    expect(t.warehouse.reservations.size).toBe(1);
    // Another buyer's key is theirs alone.
    const other = await t.orders.checkout({ ...input, userId: newId() });
    expect(other.orderId).not.toBe(again.orderId);
  });

  it("refuses a key reused for another cart, and accepts the same cart in another line order", async () => {
    const buyer = newId();
    const first = await t.orders.checkout({ userId: buyer, items: [{ productId: p1, quantity: 1 }, { productId: p2, quantity: 1 }], idempotencyKey: "cart" });
    const reordered = await t.orders.checkout({ userId: buyer, items: [{ productId: p2, quantity: 1 }, { productId: p1, quantity: 1 }], idempotencyKey: "cart" });
    expect(reordered.orderId).toBe(first.orderId);
    const before = await t.database.rowCount();
    const others = [
      [{ productId: p1, quantity: 2 }, { productId: p2, quantity: 1 }],
      [{ productId: p1, quantity: 1 }],
      [{ productId: p1, quantity: 1 }, { productId: p2, quantity: 1 }, { productId: p3, quantity: 1 }],
    ];
    for (const items of others) {
      const err = await rejection(t.orders.checkout({ userId: buyer, items, idempotencyKey: "cart" }));
      expect(err).toMatchObject({ kind: "FAILED_PRECONDITION", reason: "IDEMPOTENCY_KEY_REUSED", metadata: { orderId: first.orderId } });
    }
    expect(await t.database.rowCount()).toBe(before);
  });

  it("refuses another cart racing the first for one key: one order, the other IDEMPOTENCY_KEY_REUSED", async () => {
    const buyer = newId();
    const carts = Array.from({ length: 6 }, (_, i) => [{ productId: p2, quantity: 1 + (i % 2) }]);
    const results = await Promise.allSettled(carts.map((items) => t.orders.checkout({ userId: buyer, items, idempotencyKey: "race" })));
    const orders = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    const refusals = results.flatMap((r) => (r.status === "rejected" ? [(r.reason as { reason?: string }).reason] : []));
    expect(new Set(orders.map((o) => o.orderId)).size).toBe(1);
    expect(orders.length + refusals.length).toBe(6);
    // Whichever cart won, every request for the other one was refused.
    const wonQuantity = orders[0]!.items[0]!.quantity;
    expect(orders.length).toBe(carts.filter((c) => c[0]!.quantity === wonQuantity).length);
    expect(new Set(refusals)).toEqual(new Set(["IDEMPOTENCY_KEY_REUSED"]));
  });

  it("takes a line as large as the limit and answers INSUFFICIENT_STOCK when stock cannot serve it", async () => {
    const err = await rejection(t.orders.checkout({ userId: newId(), items: [{ productId: p1, quantity: 1_000_000_000 }], idempotencyKey: "" }));
    expect([err.kind, err.reason]).toEqual(["FAILED_PRECONDITION", "INSUFFICIENT_STOCK"]);
  });

  it("releases a reservation whose reply was lost, then fails the order", async () => {
    const buyer = newId();
    t.warehouse.after.reserve = () => {
      throw lostReply();
    };
    const err = await rejection(t.orders.checkout({ userId: buyer, items: [{ productId: p1, quantity: 4 }], idempotencyKey: "lost" }));
    expect(err.kind).toBe("DEADLINE_EXCEEDED");
    const [reservationId] = [...t.warehouse.reservations.keys()];
    expect(t.warehouse.statusOf(reservationId!)).toBe(ReservationStatus.RESERVATION_STATUS_RELEASED);
    expect(t.warehouse.available.get(p1)).toBe(10);
    const failed = await t.database.repo.findById(reservationId!);
    expect([failed?.status, failed?.failureReason, failed?.idempotencyKey]).toEqual(["FAILED", "SERVICE_TIMEOUT", null]);
    expect((await rejection(t.orders.getOrder(buyer, reservationId!))).reason).toBe("ORDER_NOT_FOUND");
  });

  it("leaves a checkout it cannot clean up PENDING for the sweeper, which releases it after STALE_PENDING_AFTER", async () => {
    const buyer = newId();
    t.warehouse.after.reserve = () => {
      throw lostReply();
    };
    t.warehouse.before.release = () => {
      throw lostReply();
    };
    await rejection(t.orders.checkout({ userId: buyer, items: [{ productId: p2, quantity: 2 }], idempotencyKey: "" }));
    const [reservationId] = [...t.warehouse.reservations.keys()];
    expect((await t.database.repo.findById(reservationId!))?.status).toBe("PENDING");
    expect(t.warehouse.available.get(p2)).toBe(3);
    t.warehouse.before.release = undefined;
    expect((await sweep()).abandoned).toBe(0); // not stale yet
    t.clock.advance(30_001);
    expect((await sweep()).abandoned).toBe(1);
    expect((await t.database.repo.findById(reservationId!))?.status).toBe("FAILED");
    expect(t.warehouse.available.get(p2)).toBe(5);
  });

  it("ends a checkout the sweeper gave up on while its reserve was in flight, holding nothing", async () => {
    const buyer = newId();
    let reached!: () => void;
    const inReserve = new Promise<void>((r) => (reached = r));
    let resume!: () => void;
    const gate = new Promise<void>((r) => (resume = r));
    t.warehouse.before.reserve = async () => {
      reached();
      await gate;
    };
    const pending = rejection(t.orders.checkout({ userId: buyer, items: [{ productId: p1, quantity: 1 }], idempotencyKey: "slow" }));
    await inReserve;
    t.clock.advance(31_000);
    expect((await sweep()).abandoned).toBe(1); // the release leaves a tombstone
    resume();
    const err = await pending;
    expect([err.kind, err.reason]).toEqual(["ABORTED", "CHECKOUT_ABANDONED"]);
    expect(t.warehouse.available.get(p1)).toBe(10);
    // The key is free again.
    t.warehouse.before.reserve = undefined;
    expect((await t.orders.checkout({ userId: buyer, items: [{ productId: p1, quantity: 1 }], idempotencyKey: "slow" })).status).toBe("PENDING_PAYMENT");
  });
});
