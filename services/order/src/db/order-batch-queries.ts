import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@wms/db";
import type { LineAllocation } from "../domain/order.js";
import { IDEMPOTENCY_CONSTRAINT, orders } from "./schema/orders.js";
import { orderItems } from "./schema/order-items.js";
import type { NewOrder, NewOrderLine } from "./repo.js";

export interface PendingInsert {
  order: NewOrder;
  lines: NewOrderLine[];
}

export interface ReservationCompletion {
  orderId: string;
  expireTime: Date;
  /** Per line (product id), where its units are reserved. */
  allocations: Map<string, LineAllocation[]>;
  now: Date;
}

/**
 * Set-based writes of many checkouts at once: one statement (so one autocommit transaction and
 * one round trip) per batch. Rows travel as arrays (`unnest`), so a statement's text and
 * parameter count do not grow with the batch, and it stays one prepared statement.
 */
export function orderBatchQueries(db: Database) {
  return {
    /**
     * Inserts every order whose buyer has not used its key yet, with its lines; answers the ids
     * of the orders inserted. Of two entries with the same buyer and key, one is inserted (the
     * unique key skips the other, as it skips a key an earlier checkout took). Rows go in
     * sorted by (buyer, key), so two replicas' batches wait on each other's keys in one order
     * instead of deadlocking.
     */
    async insertPending(entries: PendingInsert[]): Promise<Set<string>> {
      const list = entries.map((e) => e.order);
      const lines = entries.flatMap(({ order, lines }) => lines.map((line, position) => ({ orderId: order.orderId, position, ...line })));
      const rows = await queryRows<{ order_id: string }>(
        db,
        sql`WITH o AS (
              INSERT INTO ${orders} (order_id, user_id, status, idempotency_key, total_cents, create_time, expire_time, update_time)
              SELECT n.order_id, n.user_id, 'PENDING', n.idempotency_key, n.total_cents, n.create_time, n.expire_time, n.create_time
              FROM unnest(
                ${sql.param(list.map((o) => o.orderId))}::uuid[],
                ${sql.param(list.map((o) => o.userId))}::uuid[],
                ${sql.param(list.map((o) => o.idempotencyKey))}::text[],
                ${sql.param(list.map((o) => o.totalCents))}::bigint[],
                ${sql.param(list.map((o) => o.createTime.toISOString()))}::timestamptz[],
                ${sql.param(list.map((o) => o.expireTime.toISOString()))}::timestamptz[]
              ) AS n (order_id, user_id, idempotency_key, total_cents, create_time, expire_time)
              ORDER BY n.user_id, n.idempotency_key
              ON CONFLICT ON CONSTRAINT ${sql.identifier(IDEMPOTENCY_CONSTRAINT)} DO NOTHING
              RETURNING order_id
            ),
            items AS (
              INSERT INTO ${orderItems} (order_id, product_id, position, quantity, unit_price_cents)
              SELECT l.order_id, l.product_id, l.position, l.quantity, l.unit_price_cents
              FROM unnest(
                ${sql.param(lines.map((l) => l.orderId))}::uuid[],
                ${sql.param(lines.map((l) => l.productId))}::uuid[],
                ${sql.param(lines.map((l) => l.position))}::int[],
                ${sql.param(lines.map((l) => l.quantity))}::bigint[],
                ${sql.param(lines.map((l) => l.unitPriceCents))}::bigint[]
              ) AS l (order_id, product_id, position, quantity, unit_price_cents)
              JOIN o ON o.order_id = l.order_id
            )
            SELECT order_id FROM o`,
      );
      return new Set(rows.map((r) => r.order_id.toLowerCase()));
    },

    /**
     * PENDING → PENDING_PAYMENT for every order given that is still PENDING, with its expiry
     * and every line's allocations; answers the ids of the orders it changed. Each order id
     * must appear once (a second entry for one order would be a second change of it).
     */
    async completeReservations(entries: ReservationCompletion[]): Promise<Set<string>> {
      const lines = entries.flatMap((e) => [...e.allocations].map(([productId, list]) => ({ orderId: e.orderId, productId, allocations: JSON.stringify(list) })));
      const rows = await queryRows<{ order_id: string }>(
        db,
        sql`WITH o AS (
              UPDATE ${orders} AS t SET status = 'PENDING_PAYMENT', expire_time = w.expire_time, update_time = w.update_time
              FROM unnest(
                ${sql.param(entries.map((e) => e.orderId))}::uuid[],
                ${sql.param(entries.map((e) => e.expireTime.toISOString()))}::timestamptz[],
                ${sql.param(entries.map((e) => e.now.toISOString()))}::timestamptz[]
              ) AS w (order_id, expire_time, update_time)
              WHERE t.order_id = w.order_id AND t.status = 'PENDING'
              RETURNING t.order_id
            ),
            items AS (
              UPDATE ${orderItems} AS i SET allocations = v.allocations::jsonb
              FROM o, unnest(
                ${sql.param(lines.map((l) => l.orderId))}::uuid[],
                ${sql.param(lines.map((l) => l.productId))}::uuid[],
                ${sql.param(lines.map((l) => l.allocations))}::text[]
              ) AS v (order_id, product_id, allocations)
              WHERE v.order_id = o.order_id AND i.order_id = v.order_id AND i.product_id = v.product_id
            )
            SELECT order_id FROM o`,
      );
      return new Set(rows.map((r) => r.order_id.toLowerCase()));
    },
  };
}
