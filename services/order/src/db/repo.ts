import { and, asc, desc, eq, inArray, isNull, lt, lte, or, type SQL } from "drizzle-orm";
import type { Database } from "@wms/db";
import type { LineAllocation, Order, OrderLine, OrderStatus } from "../domain/order.js";
import { orders, type OrderRow } from "./schema/orders.js";
import { orderItems, type OrderItemRow } from "./schema/order-items.js";
import { createCheckoutWrites } from "./checkout-writes.js";

export interface NewOrder {
  orderId: string;
  userId: string;
  idempotencyKey: string | null;
  totalCents: number;
  createTime: Date;
  expireTime: Date;
}

export type NewOrderLine = Omit<OrderLine, "allocations">;

/** What the sweeper looks for: unpaid orders past their expiry, or checkouts stuck half-way. */
export type SweepKind = "lapsed" | "stale";

/** A pending order was written, or the buyer already used its idempotency key. */
export type InsertPendingOutcome = { kind: "created"; order: Order } | { kind: "key-taken" };

/**
 * Every status change is conditional on the status it leaves (`WHERE status = ...`) and says
 * whether it happened: the warehouse decides what happened to the stock, and whoever comes
 * second finds the order already moved and reads it back.
 */
export interface OrderRepo {
  /** Lines are stored in the order given (their position in the checkout request). */
  insertPending(order: NewOrder, lines: NewOrderLine[]): Promise<InsertPendingOutcome>;
  findById(orderId: string): Promise<Order | undefined>;
  findByIdempotencyKey(userId: string, key: string): Promise<Order | undefined>;
  /** Newest first (ids are time-ordered), before `beforeId` when given. */
  list(filter: { userId: string; statuses: OrderStatus[]; beforeId?: string; limit: number }): Promise<Order[]>;
  /** PENDING → PENDING_PAYMENT, recording the reservation's expiry and each line's allocations. */
  completeReservation(orderId: string, expireTime: Date, allocations: Map<string, LineAllocation[]>, now: Date): Promise<boolean>;
  /** PENDING → FAILED; the idempotency key is freed so the buyer may try again with it. */
  markFailed(orderId: string, reason: string, now: Date): Promise<boolean>;
  /** The payer whose commit succeeded: from PENDING_PAYMENT, or filling in a PAID order found paid by someone else. */
  markPaid(orderId: string, payTime: Date, paymentReference: string): Promise<boolean>;
  /** The warehouse said the reservation is committed, but not to this caller (sweeper, cancel). */
  markPaidByWarehouse(orderId: string, now: Date): Promise<boolean>;
  /** PENDING_PAYMENT → EXPIRED (lapsed unpaid) or CANCELLED (by its buyer). */
  markEnded(orderId: string, status: "EXPIRED" | "CANCELLED", now: Date): Promise<boolean>;
  /**
   * Claims up to `limit` orders due for the sweeper, skipping those another replica has
   * locked or claimed, marks them claimed until `claimUntil` and answers their ids.
   */
  claimDue(kind: SweepKind, cutoff: Date, now: Date, claimUntil: Date, limit: number): Promise<string[]>;
  /** Gives a claimed order back at once (its handling failed), so the next sweep retries it. */
  unclaim(orderId: string): Promise<void>;
}

/** The one place rows become orders. */
function toOrder(row: OrderRow, items: OrderItemRow[]): Order {
  return {
    orderId: row.orderId,
    userId: row.userId,
    status: row.status,
    idempotencyKey: row.idempotencyKey,
    totalCents: row.totalCents,
    createTime: row.createTime,
    expireTime: row.expireTime,
    payTime: row.payTime,
    paymentReference: row.paymentReference,
    failureReason: row.failureReason,
    items: items.map((item) => ({
      productId: item.productId,
      quantity: item.quantity,
      unitPriceCents: item.unitPriceCents,
      allocations: item.allocations,
    })),
  };
}

export function createOrderRepo(db: Database): OrderRepo {
  // Checkouts write through a group commit: concurrent calls share one statement.
  const writes = createCheckoutWrites(db);

  async function withItems(rows: OrderRow[]): Promise<Order[]> {
    if (rows.length === 0) return [];
    const items = await db
      .select()
      .from(orderItems)
      .where(inArray(orderItems.orderId, rows.map((r) => r.orderId)))
      .orderBy(asc(orderItems.orderId), asc(orderItems.position));
    const byOrder = new Map<string, OrderItemRow[]>();
    for (const item of items) {
      const list = byOrder.get(item.orderId) ?? [];
      list.push(item);
      byOrder.set(item.orderId, list);
    }
    return rows.map((row) => toOrder(row, byOrder.get(row.orderId) ?? []));
  }

  async function one(where: SQL | undefined): Promise<Order | undefined> {
    const rows = await db.select().from(orders).where(where).limit(1);
    return (await withItems(rows))[0];
  }

  async function transition(orderId: string, from: SQL | undefined, set: Partial<OrderRow>): Promise<boolean> {
    const updated = await db
      .update(orders)
      .set(set)
      .where(and(eq(orders.orderId, orderId), from))
      .returning({ orderId: orders.orderId });
    return updated.length > 0;
  }

  return {
    insertPending: writes.insertPending,
    completeReservation: writes.completeReservation,

    findById: (orderId) => one(eq(orders.orderId, orderId)),

    findByIdempotencyKey: (userId, key) => one(and(eq(orders.userId, userId), eq(orders.idempotencyKey, key))),

    async list({ userId, statuses, beforeId, limit }) {
      const conditions: SQL[] = [eq(orders.userId, userId), inArray(orders.status, statuses)];
      if (beforeId) conditions.push(lt(orders.orderId, beforeId));
      const rows = await db
        .select()
        .from(orders)
        .where(and(...conditions))
        .orderBy(desc(orders.orderId))
        .limit(limit);
      return withItems(rows);
    },

    markFailed: (orderId, reason, now) =>
      transition(orderId, eq(orders.status, "PENDING"), {
        status: "FAILED",
        failureReason: reason,
        idempotencyKey: null,
        updateTime: now,
      }),

    markPaid: (orderId, payTime, paymentReference) =>
      transition(
        orderId,
        or(eq(orders.status, "PENDING_PAYMENT"), and(eq(orders.status, "PAID"), isNull(orders.paymentReference))),
        { status: "PAID", payTime, paymentReference, updateTime: payTime },
      ),

    markPaidByWarehouse: (orderId, now) =>
      transition(orderId, eq(orders.status, "PENDING_PAYMENT"), { status: "PAID", payTime: now, updateTime: now }),

    markEnded: (orderId, status, now) => transition(orderId, eq(orders.status, "PENDING_PAYMENT"), { status, updateTime: now }),

    async claimDue(kind, cutoff, now, claimUntil, limit) {
      const due =
        kind === "lapsed"
          ? and(eq(orders.status, "PENDING_PAYMENT"), lte(orders.expireTime, cutoff))
          : and(eq(orders.status, "PENDING"), lte(orders.createTime, cutoff));
      // SKIP LOCKED: replicas sweeping at the same moment each take different rows instead
      // of queueing behind one another; the claim keeps them apart after this commits.
      const candidates = db
        .select({ orderId: orders.orderId })
        .from(orders)
        .where(and(due, or(isNull(orders.claimedUntil), lte(orders.claimedUntil, now))))
        .orderBy(asc(kind === "lapsed" ? orders.expireTime : orders.createTime))
        .limit(limit)
        .for("update", { skipLocked: true });
      const claimed = await db
        .update(orders)
        .set({ claimedUntil: claimUntil })
        .where(inArray(orders.orderId, candidates))
        .returning({ orderId: orders.orderId });
      return claimed.map((row) => row.orderId);
    },

    async unclaim(orderId) {
      await db.update(orders).set({ claimedUntil: null }).where(eq(orders.orderId, orderId));
    },
  };
}
