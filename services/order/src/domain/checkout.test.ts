import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DomainError } from "@wms/errors";
import { newId } from "@wms/db";
import { createLogger } from "@wms/logging";
import { ReservationStatus } from "@wms/proto/warehouse";
import { FakeCatalog, FakeClock, FakeWarehouse, lostReply } from "../testing/fakes.js";
import { openOrderTestDatabase } from "../testing/database.js";
import { createOrdersDomain, type OrdersDomain } from "./orders.js";
import { sweepOrders } from "./sweeper.js";

const TTL = 15 * 60_000;
const logger = createLogger("test", "silent");
let database: Awaited<ReturnType<typeof openOrderTestDatabase>>;
let clock: FakeClock;
let warehouse: FakeWarehouse;
let catalog: FakeCatalog;
let orders: OrdersDomain;
const [p1, p2, p3] = [newId(), newId(), newId()];

beforeAll(async () => {
  database = await openOrderTestDatabase();
});
afterAll(async () => {
  await database?.close();
});
beforeEach(() => {
  clock = new FakeClock();
  warehouse = new FakeWarehouse(clock.now).stock(p1, 10).stock(p2, 5).stock(p3, 0);
  catalog = new FakeCatalog().add(p1, 1999).add(p2, 250).add(p3, 10);
  orders = createOrdersDomain({ repo: database.repo, warehouse, catalog, logger, reservationTtlMs: TTL, now: clock.now });
});

async function rejection(p: Promise<unknown>): Promise<DomainError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(DomainError);
  return err as DomainError;
}
const sweep = () => sweepOrders({ repo: database.repo, warehouse, now: clock.now, logger, batchSize: 10, stalePendingAfterMs: 30_000 });

describe("checkout", () => {
  it("reserves every line, merges duplicates, prices in integer cents and records allocations", async () => {
    const buyer = newId();
    const order = await orders.checkout({
      userId: buyer,
      items: [{ productId: p1, quantity: 2 }, { productId: p2, quantity: 1 }, { productId: p1, quantity: 1 }],
      idempotencyKey: "",
    });
    expect(order.status).toBe("PENDING_PAYMENT");
    expect(order.items.map((i) => [i.productId, i.quantity, i.unitPriceCents])).toEqual([[p1, 3, 1999], [p2, 1, 250]]);
    expect(order.totalCents).toBe(3 * 1999 + 250);
    expect(order.expireTime.getTime()).toBe(clock.now().getTime() + TTL);
    expect(order.items[0]?.allocations).toEqual([{ warehouseId: "00000000-0000-7000-8000-00000000aaaa", quantity: 3 }]);
    expect(warehouse.available.get(p1)).toBe(7);
    expect(catalog.calls).toBe(1);
    expect(await orders.getOrder(buyer, order.orderId)).toEqual(order);
  });

  it("refuses bad input with every field violation and writes nothing", async () => {
    const before = await database.rowCount();
    const bad = await rejection(
      orders.checkout({
        userId: newId(),
        items: [{ productId: "nope", quantity: 1 }, { productId: p1, quantity: 0 }, { productId: p2, quantity: 10_001 }],
        idempotencyKey: "k".repeat(201),
      }),
    );
    expect(bad.kind).toBe("INVALID_ARGUMENT");
    expect(bad.fieldViolations.map((v) => v.field)).toEqual(["idempotency_key", "items[0].product_id", "items[1].quantity", "items[2].quantity"]);
    expect((await rejection(orders.checkout({ userId: newId(), items: [], idempotencyKey: "" }))).fieldViolations[0]?.field).toBe("items");
    const tooMany = Array.from({ length: 101 }, () => ({ productId: p1, quantity: 1 }));
    expect((await rejection(orders.checkout({ userId: newId(), items: tooMany, idempotencyKey: "" }))).fieldViolations).toEqual([
      { field: "items", description: "must contain at most 100 items" },
    ]);
    const merged = await rejection(orders.checkout({ userId: newId(), items: [{ productId: p1, quantity: 6000 }, { productId: p1, quantity: 6000 }], idempotencyKey: "" }));
    expect(merged.fieldViolations.map((v) => v.field)).toEqual(["items[0].quantity"]);
    const unknown = await rejection(orders.checkout({ userId: newId(), items: [{ productId: p1, quantity: 1 }, { productId: newId(), quantity: 1 }], idempotencyKey: "" }));
    expect(unknown.kind).toBe("INVALID_ARGUMENT");
    expect(unknown.fieldViolations).toEqual([{ field: "items[1].product_id", description: "no such product" }]);
    expect(await database.rowCount()).toBe(before);
    expect(warehouse.calls).toEqual([]);
  });

  it("answers INSUFFICIENT_STOCK as the warehouse said it, hides the failed order and frees the key", async () => {
    const buyer = newId();
    const err = await rejection(orders.checkout({ userId: buyer, items: [{ productId: p1, quantity: 1 }, { productId: p3, quantity: 1 }], idempotencyKey: "k1" }));
    expect([err.kind, err.reason, err.domain]).toEqual(["FAILED_PRECONDITION", "INSUFFICIENT_STOCK", "wms.warehouse.v1"]);
    expect(warehouse.available.get(p1)).toBe(10);
    expect((await orders.listOrders({ userId: buyer, limit: 10 })).rows).toEqual([]);
    warehouse.stock(p3, 1);
    const retried = await orders.checkout({ userId: buyer, items: [{ productId: p1, quantity: 1 }, { productId: p3, quantity: 1 }], idempotencyKey: "k1" });
    expect(retried.status).toBe("PENDING_PAYMENT");
    expect((await orders.listOrders({ userId: buyer, limit: 10 })).rows.map((o) => o.orderId)).toEqual([retried.orderId]);
  });

  it("returns the same order for the same key, sequentially and concurrently, reserving once", async () => {
    const buyer = newId();
    const input = { userId: buyer, items: [{ productId: p2, quantity: 1 }], idempotencyKey: "same" };
    const results = await Promise.all(Array.from({ length: 8 }, () => orders.checkout(input)));
    const again = await orders.checkout(input);
    expect(new Set([...results, again].map((o) => o.orderId)).size).toBe(1);
    expect(new Set([...results, again].map((o) => o.status))).toEqual(new Set(["PENDING_PAYMENT"]));
    expect(warehouse.available.get(p2)).toBe(4);
    expect(warehouse.reservations.size).toBe(1);
    // Another buyer's key is theirs alone.
    const other = await orders.checkout({ ...input, userId: newId() });
    expect(other.orderId).not.toBe(again.orderId);
  });

  it("releases a reservation whose reply was lost, then fails the order", async () => {
    const buyer = newId();
    warehouse.after.reserve = () => {
      throw lostReply();
    };
    const err = await rejection(orders.checkout({ userId: buyer, items: [{ productId: p1, quantity: 4 }], idempotencyKey: "lost" }));
    expect(err.kind).toBe("DEADLINE_EXCEEDED");
    const [reservationId] = [...warehouse.reservations.keys()];
    expect(warehouse.statusOf(reservationId!)).toBe(ReservationStatus.RESERVATION_STATUS_RELEASED);
    expect(warehouse.available.get(p1)).toBe(10);
    const failed = await database.repo.findById(reservationId!);
    expect([failed?.status, failed?.failureReason, failed?.idempotencyKey]).toEqual(["FAILED", "DEADLINE_EXCEEDED", null]);
    expect((await rejection(orders.getOrder(buyer, reservationId!))).reason).toBe("ORDER_NOT_FOUND");
  });

  it("leaves a checkout it cannot clean up PENDING for the sweeper, which releases it after STALE_PENDING_AFTER", async () => {
    const buyer = newId();
    warehouse.after.reserve = () => {
      throw lostReply();
    };
    warehouse.before.release = () => {
      throw lostReply();
    };
    await rejection(orders.checkout({ userId: buyer, items: [{ productId: p2, quantity: 2 }], idempotencyKey: "" }));
    const [reservationId] = [...warehouse.reservations.keys()];
    expect((await database.repo.findById(reservationId!))?.status).toBe("PENDING");
    expect(warehouse.available.get(p2)).toBe(3);
    warehouse.before.release = undefined;
    expect((await sweep()).abandoned).toBe(0); // not stale yet
    clock.advance(30_001);
    expect((await sweep()).abandoned).toBe(1);
    expect((await database.repo.findById(reservationId!))?.status).toBe("FAILED");
    expect(warehouse.available.get(p2)).toBe(5);
  });

  it("ends a checkout the sweeper gave up on while its reserve was in flight, holding nothing", async () => {
    const buyer = newId();
    let reached!: () => void;
    const inReserve = new Promise<void>((r) => (reached = r));
    let resume!: () => void;
    const gate = new Promise<void>((r) => (resume = r));
    warehouse.before.reserve = async () => {
      reached();
      await gate;
    };
    const pending = rejection(orders.checkout({ userId: buyer, items: [{ productId: p1, quantity: 1 }], idempotencyKey: "slow" }));
    await inReserve;
    clock.advance(31_000);
    expect((await sweep()).abandoned).toBe(1); // the release leaves a tombstone
    resume();
    const err = await pending;
    expect([err.kind, err.reason]).toEqual(["ABORTED", "CHECKOUT_ABANDONED"]);
    expect(warehouse.available.get(p1)).toBe(10);
    // The key is free again.
    warehouse.before.reserve = undefined;
    expect((await orders.checkout({ userId: buyer, items: [{ productId: p1, quantity: 1 }], idempotencyKey: "slow" })).status).toBe("PENDING_PAYMENT");
  });
});
