import { errors, DomainError } from "@wms/errors";
import { newId } from "@wms/db";
import type { Logger } from "@wms/logging";
import type { OrderRepo } from "../db/repo.js";
import type { ProductCatalog } from "./catalog.js";
import { priceLines, sameCart, totalCents, validateCheckout, type CheckoutLine, type CheckoutLineInput } from "./checkout-request.js";
import { isVisible, type Clock, type LineAllocation, type Order } from "./order.js";
import { reasonOf, type ReservedUnits, type WarehouseReservations } from "./warehouse.js";

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
export function createCheckout(deps: CheckoutDeps): (input: CheckoutInput) => Promise<Order> {
  const { repo, warehouse, now, logger } = deps;

  async function checkout(input: CheckoutInput): Promise<Order> {
    const lines = validateCheckout(input.items, input.idempotencyKey);
    const key = input.idempotencyKey === "" ? null : input.idempotencyKey;
    // No look-up of the key first: the INSERT's unique key catches a reused one (key-taken below).
    const priced = await priceLines(deps.catalog, lines, { deadline: input.deadline }).catch(async (err: unknown) => {
      // A replay answers the order its key made even when the catalog changed since.
      const existing = key === null ? undefined : await repo.findByIdempotencyKey(input.userId, key);
      if (existing) return existing;
      throw err;
    });
    if (!Array.isArray(priced)) return resume(sameOrderAs(priced, lines), input.deadline);
    const total = totalCents(priced);
    for (let attempt = 1; ; attempt++) {
      const createTime = now();
      const inserted = await repo.insertPending(
        {
          orderId: newId(),
          userId: input.userId,
          idempotencyKey: key,
          totalCents: total,
          createTime,
          expireTime: new Date(createTime.getTime() + deps.reservationTtlMs),
        },
        priced.map((line) => ({ productId: line.productId, quantity: line.quantity, unitPriceCents: line.unitPriceCents })),
      );
      if (inserted.kind === "created") return reserve(inserted.order, input.deadline);
      // A concurrent duplicate got the key first: finish (or return) its order instead.
      const existing = key === null ? undefined : await repo.findByIdempotencyKey(input.userId, key);
      if (existing) return resume(sameOrderAs(existing, lines), input.deadline);
      // It failed and freed the key in between: this call may try again with it.
      if (attempt >= INSERT_ATTEMPTS) throw errors.aborted("CHECKOUT_CONFLICT", "a concurrent checkout with this key is in progress; try again", { idempotencyKey: key ?? "" });
    }
  }

  /** The order a key already made, if this request asks for the same cart; else IDEMPOTENCY_KEY_REUSED. */
  function sameOrderAs(existing: Order, lines: CheckoutLine[]): Order {
    if (!sameCart(existing.items, lines)) {
      throw errors.failedPrecondition("IDEMPOTENCY_KEY_REUSED", "this idempotency_key was already used for a checkout of other items", {
        orderId: existing.orderId,
      });
    }
    return existing;
  }

  /** An order found by its key: a PENDING one is driven on (the warehouse is idempotent), others are answered as they are. */
  async function resume(order: Order, deadline: Date | undefined): Promise<Order> {
    return order.status === "PENDING" ? reserve(order, deadline) : order;
  }

  async function reserve(order: Order, deadline: Date | undefined): Promise<Order> {
    const outcome = await warehouse.reserve(
      {
        reservationId: order.orderId,
        lines: order.items.map((item) => ({ productId: item.productId, quantity: item.quantity })),
        expireTime: order.expireTime,
      },
      { deadline },
    );
    if (outcome.kind !== "answered") {
      const settled = await abandon(order, outcome.kind === "refused", outcome.error);
      if (settled) return settled;
      throw outcome.error;
    }
    const { reservation } = outcome;
    if (reservation.status !== "HELD") {
      // RELEASED: a tombstone. The sweeper (or a failed duplicate) gave this checkout up first.
      await repo.markFailed(order.orderId, "CHECKOUT_ABANDONED", now());
      return afterLostRace(order.orderId, false);
    }
    const allocations = allocationsByProduct(reservation.allocations);
    const completeTime = now();
    if (await repo.completeReservation(order.orderId, reservation.expireTime, allocations, completeTime)) {
      // What was just written, without reading it back.
      return {
        ...order,
        status: "PENDING_PAYMENT",
        expireTime: reservation.expireTime,
        items: order.items.map((item) => ({ ...item, allocations: allocations.get(item.productId.toLowerCase()) ?? [] })),
      };
    }
    return afterLostRace(order.orderId, true);
  }

  /**
   * The order left PENDING under this call: a duplicate finished it (return it), or it FAILED
   * (a duplicate's failure, the sweeper) while this call's reservation was being made, in
   * which case those units go straight back.
   */
  async function afterLostRace(orderId: string, holdsReservation: boolean): Promise<Order> {
    const current = await mustFind(orderId);
    if (isVisible(current.status)) return current;
    if (holdsReservation) await releaseQuietly(orderId);
    if (current.failureReason === "INSUFFICIENT_STOCK") {
      throw errors.failedPrecondition("INSUFFICIENT_STOCK", "not enough stock for this order", { orderId });
    }
    throw errors.aborted("CHECKOUT_ABANDONED", "this checkout did not complete; try again", { orderId });
  }

  /**
   * After a failed reserve: when the warehouse refused, nothing is held and the order fails at
   * once. Otherwise the reservation may exist: release it first (an unknown id leaves a
   * tombstone); if even that fails the order stays PENDING for the sweeper. Returns the order
   * when a concurrent duplicate completed it meanwhile.
   */
  async function abandon(order: Order, refused: boolean, err: unknown): Promise<Order | undefined> {
    if (!refused) {
      try {
        await warehouse.settle(order.orderId, "RELEASED", { deadline: cleanupDeadline() });
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
      await warehouse.settle(orderId, "RELEASED", { deadline: cleanupDeadline() });
    } catch (err) {
      // The warehouse's own sweeper frees it at its expire_time.
      logger.warn({ err, orderId }, "could not release the reservation of a failed checkout");
    }
  }

  async function mustFind(orderId: string): Promise<Order> {
    const order = await repo.findById(orderId);
    if (!order) throw errors.internal("ORDER_VANISHED", `order ${orderId} vanished`, { orderId });
    return order;
  }

  const cleanupDeadline = () => new Date(Date.now() + CLEANUP_DEADLINE_MS);

  return checkout;
}

/** The warehouse's allocations, grouped by the order line (product) they serve. */
export function allocationsByProduct(allocations: ReservedUnits[]): Map<string, LineAllocation[]> {
  const out = new Map<string, LineAllocation[]>();
  for (const a of allocations) {
    const key = a.productId.toLowerCase();
    const list = out.get(key) ?? [];
    list.push({ warehouseId: a.warehouseId, quantity: a.quantity });
    out.set(key, list);
  }
  return out;
}
