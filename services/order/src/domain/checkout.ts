import { errors, DomainError } from "@wms/errors";
import { isUniqueViolation, newId } from "@wms/db";
import { fromTimestamp, toTimestamp } from "@wms/grpc";
import type { Logger } from "@wms/logging";
import { ReservationStatus, type Allocation } from "@wms/proto/warehouse";
import { IDEMPOTENCY_CONSTRAINT, type OrderRecord, type OrderRepo } from "../db/repo.js";
import type { StoredAllocation } from "../db/schema/order-items.js";
import { isVisible } from "../mapping.js";
import { priceLines, sameCart, totalCents, validateCheckout, type CheckoutLine, type CheckoutLineInput } from "./checkout-request.js";
import { reasonOf, reservedNothing, type Clock, type ProductCatalog, type WarehouseReservations } from "./ports.js";

export interface CheckoutInput {
  userId: string;
  items: CheckoutLineInput[];
  /** Empty: no idempotency. */
  idempotencyKey: string;
  deadline?: Date;
}

export interface CheckoutDeps {
  repo: OrderRepo;
  warehouse: WarehouseReservations;
  catalog: ProductCatalog;
  now: Clock;
  reservationTtlMs: number;
  logger: Logger;
}

/** Cleanup after a failed step gets its own short deadline: the caller's may be what ran out. */
const CLEANUP_DEADLINE_MS = 5_000;
const INSERT_ATTEMPTS = 3;

/**
 * Checkout is a saga: the order is written PENDING (never shown), the warehouse reserves with
 * the order id as reservation id (idempotent), then the order becomes PENDING_PAYMENT. A
 * crash between steps leaves a PENDING order the sweeper releases (the release leaves a
 * tombstone, so a late reserve cannot hold stock for it).
 */
export function createCheckout(deps: CheckoutDeps): (input: CheckoutInput) => Promise<OrderRecord> {
  const { repo, warehouse, now, logger } = deps;

  async function checkout(input: CheckoutInput): Promise<OrderRecord> {
    const lines = validateCheckout(input.items, input.idempotencyKey);
    const key = input.idempotencyKey === "" ? null : input.idempotencyKey;
    if (key !== null) {
      const existing = await repo.findByIdempotencyKey(input.userId, key);
      if (existing) return resume(sameOrderAs(existing, lines), input.deadline);
    }
    const priced = await priceLines(deps.catalog, lines, { deadline: input.deadline });
    const total = totalCents(priced);
    for (let attempt = 1; ; attempt++) {
      const createTime = now();
      let order: OrderRecord;
      try {
        order = await repo.insertPending(
          {
            orderId: newId(),
            userId: input.userId,
            idempotencyKey: key,
            totalCents: total,
            createTime,
            expireTime: new Date(createTime.getTime() + deps.reservationTtlMs),
          },
          priced.map((line, position) => ({ productId: line.productId, position, quantity: line.quantity, unitPriceCents: line.unitPriceCents })),
        );
      } catch (err) {
        if (key === null || !isUniqueViolation(err, IDEMPOTENCY_CONSTRAINT)) throw err;
        // A concurrent duplicate got the key first: finish (or return) its order instead.
        const existing = await repo.findByIdempotencyKey(input.userId, key);
        if (existing) return resume(sameOrderAs(existing, lines), input.deadline);
        // It failed and freed the key in between: this call may try again with it.
        if (attempt >= INSERT_ATTEMPTS) throw errors.aborted("CHECKOUT_CONFLICT", "a concurrent checkout with this key is in progress; try again");
        continue;
      }
      return reserve(order, input.deadline);
    }
  }

  /** The order a key already made, if this request asks for the same cart; else IDEMPOTENCY_KEY_REUSED. */
  function sameOrderAs(existing: OrderRecord, lines: CheckoutLine[]): OrderRecord {
    if (!sameCart(existing.items, lines)) {
      throw errors.failedPrecondition("IDEMPOTENCY_KEY_REUSED", "this idempotency_key was already used for a checkout of other items", {
        orderId: existing.orderId,
      });
    }
    return existing;
  }

  /** An order found by its key: a PENDING one is driven on (the warehouse is idempotent), others are answered as they are. */
  async function resume(order: OrderRecord, deadline: Date | undefined): Promise<OrderRecord> {
    return order.status === "PENDING" ? reserve(order, deadline) : order;
  }

  async function reserve(order: OrderRecord, deadline: Date | undefined): Promise<OrderRecord> {
    let reservation;
    try {
      ({ reservation } = await warehouse.reserveStock(
        {
          reservationId: order.orderId,
          lines: order.items.map((item) => ({ productId: item.productId, quantity: item.quantity })),
          expireTime: toTimestamp(order.expireTime),
        },
        { deadline },
      ));
    } catch (err) {
      const settled = await abandon(order, err);
      if (settled) return settled;
      throw err;
    }
    if (reservation?.status !== ReservationStatus.RESERVATION_STATUS_HELD) {
      // RELEASED: a tombstone. The sweeper (or a failed duplicate) gave this checkout up first.
      await repo.markFailed(order.orderId, "CHECKOUT_ABANDONED", now());
      return afterLostRace(order.orderId, false);
    }
    const expireTime = reservation.expireTime ? fromTimestamp(reservation.expireTime) : order.expireTime;
    if (await repo.completeReservation(order.orderId, expireTime, allocationsByProduct(reservation.allocations), now())) {
      return mustFind(order.orderId);
    }
    return afterLostRace(order.orderId, true);
  }

  /**
   * The order left PENDING under this call: a duplicate finished it (return it), or it FAILED
   * (a duplicate's failure, the sweeper) while this call's reservation was being made, in
   * which case those units go straight back.
   */
  async function afterLostRace(orderId: string, holdsReservation: boolean): Promise<OrderRecord> {
    const current = await mustFind(orderId);
    if (isVisible(current.status)) return current;
    if (holdsReservation) await releaseQuietly(orderId);
    if (current.failureReason === "INSUFFICIENT_STOCK") {
      throw errors.failedPrecondition("INSUFFICIENT_STOCK", "not enough stock for this order");
    }
    throw errors.aborted("CHECKOUT_ABANDONED", "this checkout did not complete; try again");
  }

  /**
   * After a failed reserve: when the warehouse refused, nothing is held and the order fails at
   * once. Otherwise the reservation may exist: release it first (an unknown id leaves a
   * tombstone); if even that fails the order stays PENDING for the sweeper. Returns the order
   * when a concurrent duplicate completed it meanwhile.
   */
  async function abandon(order: OrderRecord, err: unknown): Promise<OrderRecord | undefined> {
    if (!reservedNothing(err)) {
      try {
        await warehouse.releaseReservation({ reservationId: order.orderId }, { deadline: cleanupDeadline() });
      } catch (releaseErr) {
        logger.warn({ err: releaseErr, orderId: order.orderId }, "checkout left pending: release failed, the sweeper will retry");
        return undefined;
      }
    }
    if (await repo.markFailed(order.orderId, reasonOf(err), now())) return undefined;
    const current = await repo.findById(order.orderId);
    return current && isVisible(current.status) ? current : undefined;
  }

  async function releaseQuietly(orderId: string): Promise<void> {
    try {
      await warehouse.releaseReservation({ reservationId: orderId }, { deadline: cleanupDeadline() });
    } catch (err) {
      // The warehouse's own sweeper frees it at its expire_time.
      logger.warn({ err, orderId }, "could not release the reservation of a failed checkout");
    }
  }

  async function mustFind(orderId: string): Promise<OrderRecord> {
    const order = await repo.findById(orderId);
    if (!order) throw new DomainError("INTERNAL", "INTERNAL", `order ${orderId} vanished`);
    return order;
  }

  const cleanupDeadline = () => new Date(Date.now() + CLEANUP_DEADLINE_MS);

  return checkout;
}

/** The warehouse's allocations, grouped by the order line (product) they serve. */
export function allocationsByProduct(allocations: Allocation[]): Map<string, StoredAllocation[]> {
  const out = new Map<string, StoredAllocation[]>();
  for (const a of allocations) {
    const key = a.productId.toLowerCase();
    const list = out.get(key) ?? [];
    list.push({ warehouseId: a.warehouseId, quantity: a.quantity });
    out.set(key, list);
  }
  return out;
}
