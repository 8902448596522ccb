import { sql } from "drizzle-orm";
import { bigint, check, index, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import type { OrderStatus } from "../../domain/order.js";
import { orderSchema } from "./order-schema.js";

/** The buyer's key is unique per buyer: a second checkout with it finds the first. */
export const IDEMPOTENCY_CONSTRAINT = "orders_user_idempotency_key";

export const orders = orderSchema.table(
  "orders",
  {
    orderId: uuid("order_id").primaryKey(),
    userId: uuid("user_id").notNull(),
    status: text("status").$type<OrderStatus>().notNull(),
    /** Cleared when the order FAILED, so the buyer may retry with the same key. */
    idempotencyKey: text("idempotency_key"),
    totalCents: bigint("total_cents", { mode: "number" }).notNull(),
    createTime: timestamp("create_time", { withTimezone: true }).notNull().defaultNow(),
    /** Set at checkout: the reservation lapses then (the warehouse's time is the one kept). */
    expireTime: timestamp("expire_time", { withTimezone: true }).notNull(),
    payTime: timestamp("pay_time", { withTimezone: true }),
    /** NULL on a PAID order means it was found paid by the sweeper or a cancel, not by its payer. */
    paymentReference: text("payment_reference"),
    /** Why a FAILED order failed (an error reason), for operators. */
    failureReason: text("failure_reason"),
    /**
     * A sweeper replica that picked the order (FOR UPDATE SKIP LOCKED) owns it until then, so
     * no two replicas handle it at once; the lock itself is not held across the warehouse call.
     */
    claimedUntil: timestamp("claimed_until", { withTimezone: true }),
    updateTime: timestamp("update_time", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // NULL keys are distinct in PostgreSQL: orders without a key never collide.
    unique(IDEMPOTENCY_CONSTRAINT).on(t.userId, t.idempotencyKey),
    index("orders_user_idx").on(t.userId, t.orderId),
    index("orders_due_idx").on(t.expireTime).where(sql`${t.status} = 'PENDING_PAYMENT'`),
    index("orders_pending_idx").on(t.createTime).where(sql`${t.status} = 'PENDING'`),
    check("orders_status_check", sql`${t.status} in ('PENDING', 'PENDING_PAYMENT', 'PAID', 'EXPIRED', 'CANCELLED', 'FAILED')`),
    check("orders_total_check", sql`${t.totalCents} >= 0`),
  ],
);

export type OrderRow = typeof orders.$inferSelect;
