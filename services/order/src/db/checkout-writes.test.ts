import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { newId, pgErrorCode, queryRows } from "@wms/db";
import type { LineAllocation } from "../domain/order.js";
import { openOrderTestDatabase } from "../testing/database.js";
import type { InsertPendingOutcome, NewOrder, NewOrderLine } from "./repo.js";

// Real PostgreSQL. Calls fired in one tick share statements: the first runs alone at once, the
// rest queue behind it and go together. Rows written by one statement share its transaction
// id (xmin), which is how these tests see that a batch really was one statement.
let database: Awaited<ReturnType<typeof openOrderTestDatabase>>;
beforeAll(async () => {
  database = await openOrderTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

const createTime = new Date("2026-11-01T10:00:00Z");
const expireTime = new Date("2026-11-01T10:15:00Z");

function newOrder(userId: string, idempotencyKey: string | null): NewOrder {
  return { orderId: newId(), userId, idempotencyKey, totalCents: 0, createTime, expireTime };
}

function linesOf(count: number, quantity = 1): NewOrderLine[] {
  return Array.from({ length: count }, (_, i) => ({ productId: newId(), quantity: quantity + i, unitPriceCents: 100 * (i + 1) }));
}

/** Transactions that wrote these orders' current row versions. */
async function transactionsOf(orderIds: string[]): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    database.db,
    sql`select count(distinct xmin::text)::int as n from "order".orders where order_id = any(${sql.param(orderIds)}::uuid[])`,
  );
  return row?.n ?? 0;
}

const created = (o: InsertPendingOutcome) => (o.kind === "created" ? o.order : undefined);

describe("insertPending, group-committed", () => {
  it("creates exactly one order per (buyer, key) among 100 concurrent calls, with every line in its place", async () => {
    const buyers = Array.from({ length: 10 }, () => newId());
    // 100 calls: 40 without a key, 60 over 20 (buyer, key) pairs used three times each.
    const calls = Array.from({ length: 100 }, (_, i) => {
      const pair = (i - 40) % 20;
      const order = i < 40 ? newOrder(buyers[i % 10]!, null) : newOrder(buyers[pair % 10]!, `key-${pair}`);
      return { order, lines: linesOf(1 + (i % 4)) };
    });

    const outcomes = await Promise.all(calls.map((c) => database.repo.insertPending(c.order, c.lines)));

    const made = outcomes.map(created);
    expect(made.filter((o, i) => o && calls[i]!.order.idempotencyKey === null)).toHaveLength(40);
    const perKey = new Map<string, number>();
    outcomes.forEach((o, i) => {
      const key = calls[i]!.order.idempotencyKey;
      if (key !== null && o.kind === "created") perKey.set(key, (perKey.get(key) ?? 0) + 1);
    });
    expect([...perKey.values()]).toEqual(Array.from({ length: 20 }, () => 1));
    expect(outcomes.filter((o) => o.kind === "key-taken")).toHaveLength(40);

    for (const [i, order] of made.entries()) {
      if (!order) {
        expect(await database.repo.findById(calls[i]!.order.orderId)).toBeUndefined();
        continue;
      }
      const stored = await database.repo.findById(order.orderId);
      expect(stored).toEqual(order);
      expect(stored?.items.map((l) => l.productId)).toEqual(calls[i]!.lines.map((l) => l.productId));
    }
    // The key-taken ones find the order their key made.
    for (const key of perKey.keys()) {
      const owner = calls.find((c) => c.order.idempotencyKey === key)!.order.userId;
      expect((await database.repo.findByIdempotencyKey(owner, key))?.status).toBe("PENDING");
    }
    // Shared statements: far fewer transactions than orders.
    const ids = made.flatMap((o) => (o ? [o.orderId] : []));
    expect(await transactionsOf(ids)).toBeLessThan(ids.length / 2);
  });

  it("answers key-taken for a key an earlier checkout holds, in a batch", async () => {
    const buyer = newId();
    const first = await database.repo.insertPending(newOrder(buyer, "taken"), linesOf(1));
    expect(first.kind).toBe("created");
    const outcomes = await Promise.all([
      database.repo.insertPending(newOrder(newId(), null), linesOf(1)),
      database.repo.insertPending(newOrder(buyer, "taken"), linesOf(2)),
      database.repo.insertPending(newOrder(buyer, "free"), linesOf(2)),
    ]);
    expect(outcomes.map((o) => o.kind)).toEqual(["created", "key-taken", "created"]);
  });

  it("fails only the entry whose line breaks a CHECK, with its own error; the rest of its batch is created", async () => {
    const calls = Array.from({ length: 12 }, () => ({ order: newOrder(newId(), `k-${newId()}`), lines: linesOf(2) }));
    calls[6]!.lines[1]!.quantity = 0; // order_items_quantity_check
    const outcomes = await Promise.allSettled(calls.map((c) => database.repo.insertPending(c.order, c.lines)));

    const bad = outcomes[6]!;
    expect(bad.status).toBe("rejected");
    expect(pgErrorCode((bad as PromiseRejectedResult).reason)).toBe("23514");
    expect(await database.repo.findById(calls[6]!.order.orderId)).toBeUndefined();
    for (const [i, outcome] of outcomes.entries()) {
      if (i === 6) continue;
      expect(outcome.status).toBe("fulfilled");
      expect((await database.repo.findById(calls[i]!.order.orderId))?.items).toHaveLength(2);
    }
    // The batch holding the bad entry fell back to one statement per entry.
    expect(await transactionsOf(calls.filter((_, i) => i !== 6).map((c) => c.order.orderId))).toBe(11);
  });
});

describe("completeReservation, group-committed", () => {
  async function pendingOrders(count: number, lines: number): Promise<Array<{ orderId: string; productIds: string[] }>> {
    const outcomes = await Promise.all(Array.from({ length: count }, () => database.repo.insertPending(newOrder(newId(), null), linesOf(lines))));
    return outcomes.map((o) => {
      const order = created(o)!;
      return { orderId: order.orderId, productIds: order.items.map((i) => i.productId) };
    });
  }

  const allocationsOf = (productIds: string[], n: number) =>
    new Map<string, LineAllocation[]>(productIds.map((p, i) => [p, [{ warehouseId: newId(), quantity: n + i }, { warehouseId: newId(), quantity: 1 }]]));

  it("moves exactly the PENDING orders of many concurrent calls, each with its allocations", async () => {
    const orders = await pendingOrders(60, 3);
    const now = new Date("2026-11-01T10:00:05Z");
    // A third of them left PENDING already (failed, or paid after an earlier completion).
    for (const o of orders.slice(0, 20)) await database.repo.markFailed(o.orderId, "INSUFFICIENT_STOCK", now);
    const reservedUntil = new Date("2026-11-01T10:14:59Z");
    const allocations = orders.map((o, i) => allocationsOf(o.productIds, i + 1));

    const changed = await Promise.all(orders.map((o, i) => database.repo.completeReservation(o.orderId, reservedUntil, allocations[i]!, now)));

    expect(changed).toEqual(orders.map((_, i) => i >= 20));
    for (const [i, o] of orders.entries()) {
      const stored = (await database.repo.findById(o.orderId))!;
      if (i < 20) {
        expect(stored.status).toBe("FAILED");
        expect(stored.items.every((l) => l.allocations.length === 0)).toBe(true);
        continue;
      }
      expect(stored.status).toBe("PENDING_PAYMENT");
      expect(stored.expireTime).toEqual(reservedUntil);
      expect(stored.items.map((l) => l.allocations)).toEqual(o.productIds.map((p) => allocations[i]!.get(p)));
    }
    expect(await transactionsOf(orders.slice(20).map((o) => o.orderId))).toBeLessThan(20);
  });

  it("changes an order once when two calls for it share a batch", async () => {
    const [a, b] = await pendingOrders(2, 1);
    const now = new Date("2026-11-01T10:00:05Z");
    const changed = await Promise.all([
      database.repo.completeReservation(a!.orderId, expireTime, allocationsOf(a!.productIds, 1), now),
      database.repo.completeReservation(b!.orderId, expireTime, allocationsOf(b!.productIds, 1), now),
      database.repo.completeReservation(b!.orderId, expireTime, allocationsOf(b!.productIds, 1), now),
    ]);
    expect(changed).toEqual([true, true, false]);
  });

  it("fails only the entry whose allocations cannot be stored; the rest of its batch completes", async () => {
    const orders = await pendingOrders(10, 2);
    const now = new Date("2026-11-01T10:00:05Z");
    const allocations = orders.map((o) => allocationsOf(o.productIds, 1));
    allocations[5] = new Map([["not-a-product-id", [{ warehouseId: newId(), quantity: 1 }]]]); // uuid column

    const outcomes = await Promise.allSettled(orders.map((o, i) => database.repo.completeReservation(o.orderId, expireTime, allocations[i]!, now)));

    expect(outcomes[5]?.status).toBe("rejected");
    expect(pgErrorCode((outcomes[5] as PromiseRejectedResult).reason)).toBe("22P02");
    expect((await database.repo.findById(orders[5]!.orderId))?.status).toBe("PENDING");
    for (const [i, outcome] of outcomes.entries()) {
      if (i === 5) continue;
      expect(outcome).toEqual({ status: "fulfilled", value: true });
      expect((await database.repo.findById(orders[i]!.orderId))?.status).toBe("PENDING_PAYMENT");
    }
  });
});
