import { sql } from "drizzle-orm";
import { isUniqueViolation, queryRows, type Database } from "@wms/db";
import { createCoalescer } from "@wms/locks";
import type { LineAllocation, Order } from "../domain/order.js";
import { IDEMPOTENCY_CONSTRAINT, orders } from "./schema/orders.js";
import { orderItems } from "./schema/order-items.js";
import { orderBatchQueries, type PendingInsert, type ReservationCompletion } from "./order-batch-queries.js";
import type { InsertPendingOutcome, NewOrder, NewOrderLine, OrderRepo } from "./repo.js";

/**
 * Checkouts written together at most: the concurrency a replica is sized for. A batch
 * statement's text is the same whatever its size, so this bounds only its arrays.
 */
export const ORDER_BATCH_MAX = 64;

/**
 * The two writes of every checkout, group-committed: while one statement is in flight the
 * calls that arrive queue, and the next statement writes them all (one round trip, one commit,
 * instead of one per buyer). Under no load a call runs alone, with the single-entry statement.
 * When a batch statement fails, each of its entries is served alone by the single-entry
 * statement, so one bad entry fails only its own caller, with its own error.
 */
export function createCheckoutWrites(db: Database): Pick<OrderRepo, "insertPending" | "completeReservation"> {
  const batch = orderBatchQueries(db);

  /** One statement (the order and its lines), so no BEGIN/COMMIT: it is all-or-nothing alone. */
  async function insertAlone({ order, lines }: PendingInsert): Promise<InsertPendingOutcome> {
    const values = sql.join(
      lines.map((line, position) => sql`(${line.productId}::uuid, ${position}::int, ${line.quantity}::bigint, ${line.unitPriceCents}::bigint)`),
      sql`, `,
    );
    try {
      await db.execute(sql`
        WITH o AS (
          INSERT INTO ${orders} (order_id, user_id, status, idempotency_key, total_cents, create_time, expire_time, update_time)
          VALUES (${order.orderId}::uuid, ${order.userId}::uuid, 'PENDING', ${order.idempotencyKey}::text, ${order.totalCents}::bigint,
                  ${order.createTime.toISOString()}::timestamptz, ${order.expireTime.toISOString()}::timestamptz, ${order.createTime.toISOString()}::timestamptz)
          RETURNING order_id
        )
        INSERT INTO ${orderItems} (order_id, product_id, position, quantity, unit_price_cents)
        SELECT o.order_id, v.product_id, v.position, v.quantity, v.unit_price_cents
        FROM o, (VALUES ${values}) AS v (product_id, position, quantity, unit_price_cents)`);
    } catch (err) {
      if (order.idempotencyKey !== null && isUniqueViolation(err, IDEMPOTENCY_CONSTRAINT)) return { kind: "key-taken" };
      throw err;
    }
    return { kind: "created", order: pendingOrder(order, lines) };
  }

  /** One statement: the status change and every line's allocations, or nothing. */
  async function completeAlone({ orderId, expireTime, allocations, now }: ReservationCompletion): Promise<boolean> {
    const perLine = [...allocations].map(([productId, list]) => sql`(${productId}::uuid, ${JSON.stringify(list)}::text::jsonb)`);
    const lineUpdate =
      perLine.length === 0
        ? sql``
        : sql`, items AS (
            UPDATE ${orderItems} SET allocations = v.allocations
            FROM o, (VALUES ${sql.join(perLine, sql`, `)}) AS v (product_id, allocations)
            WHERE ${orderItems}.order_id = o.order_id AND ${orderItems}.product_id = v.product_id
          )`;
    const [row] = await queryRows<{ updated: number }>(
      db,
      sql`WITH o AS (
            UPDATE ${orders} SET status = 'PENDING_PAYMENT', expire_time = ${expireTime.toISOString()}::timestamptz,
              update_time = ${now.toISOString()}::timestamptz
            WHERE order_id = ${orderId}::uuid AND status = 'PENDING'
            RETURNING order_id
          )${lineUpdate}
          SELECT count(*)::int AS updated FROM o`,
    );
    return (row?.updated ?? 0) > 0;
  }

  async function insertBatch(entries: PendingInsert[]): Promise<Array<PromiseSettledResult<InsertPendingOutcome>>> {
    if (entries.length === 1) return eachAlone(entries, insertAlone);
    let inserted: Set<string>;
    try {
      inserted = await batch.insertPending(entries);
    } catch {
      return eachAlone(entries, insertAlone);
    }
    return Promise.all(
      entries.map(async (entry): Promise<PromiseSettledResult<InsertPendingOutcome>> => {
        const { order, lines } = entry;
        if (inserted.has(order.orderId.toLowerCase())) return fulfilled({ kind: "created", order: pendingOrder(order, lines) });
        // Only the buyer's key can skip a row; a NULL key never conflicts, so one missing is
        // not the batch's to explain: it is served alone.
        if (order.idempotencyKey !== null) return fulfilled({ kind: "key-taken" });
        return (await eachAlone([entry], insertAlone))[0]!;
      }),
    );
  }

  async function completeBatch(entries: ReservationCompletion[]): Promise<Array<PromiseSettledResult<boolean>>> {
    if (entries.length === 1) return eachAlone(entries, completeAlone);
    // Two calls for one order (duplicate checkouts resuming it): the first changes it, the
    // second finds it changed, as when they run one after the other.
    const firsts = new Map<string, ReservationCompletion>();
    for (const e of entries) if (!firsts.has(e.orderId.toLowerCase())) firsts.set(e.orderId.toLowerCase(), e);
    let changed: Set<string>;
    try {
      changed = await batch.completeReservations([...firsts.values()]);
    } catch {
      return eachAlone(entries, completeAlone);
    }
    return entries.map((e) => fulfilled(firsts.get(e.orderId.toLowerCase()) === e && changed.has(e.orderId.toLowerCase())));
  }

  const insertPending = createCoalescer({ maxBatch: ORDER_BATCH_MAX, run: insertBatch });
  const completeReservation = createCoalescer({ maxBatch: ORDER_BATCH_MAX, run: completeBatch });

  return {
    insertPending: (order, lines) => insertPending({ order, lines }),
    completeReservation: (orderId, expireTime, allocations, now) => completeReservation({ orderId, expireTime, allocations, now }),
  };
}

/** What an inserted pending order is, without reading it back. */
function pendingOrder(order: NewOrder, lines: NewOrderLine[]): Order {
  return {
    ...order,
    status: "PENDING",
    payTime: null,
    paymentReference: null,
    failureReason: null,
    items: lines.map((line) => ({ ...line, productId: line.productId.toLowerCase(), allocations: [] as LineAllocation[] })),
  };
}

function eachAlone<E, R>(entries: E[], alone: (entry: E) => Promise<R>): Promise<Array<PromiseSettledResult<R>>> {
  return Promise.allSettled(entries.map(alone));
}

function fulfilled<R>(value: R): PromiseFulfilledResult<R> {
  return { status: "fulfilled", value };
}
