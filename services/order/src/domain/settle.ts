import { isId } from "@wms/db";
import { errors } from "@wms/errors";
import type { OrderRepo } from "../db/repo.js";
import { isVisible, type Clock, type Order, type PeerCallOptions } from "./order.js";
import type { WarehouseReservations } from "./warehouse.js";

/** An order of this buyer; another buyer's order, an internal one or a malformed id are all NOT_FOUND alike. */
export async function findOwned(repo: OrderRepo, userId: string, orderId: string): Promise<Order> {
  const order = isId(orderId) ? await repo.findById(orderId) : undefined;
  if (!order || order.userId !== userId || !isVisible(order.status)) throw errors.notFound("order", orderId);
  return order;
}

export const orderExpired = (orderId: string) => errors.failedPrecondition("ORDER_EXPIRED", `order ${orderId} has expired`, { orderId });
export const orderNotPending = (orderId: string, status: string) =>
  errors.failedPrecondition("ORDER_NOT_PENDING", `order ${orderId} is ${status}, not pending payment`, { orderId, status });

/** The refusal for acting on an order that is no longer PENDING_PAYMENT. */
export function notPendingError(order: Order) {
  return order.status === "EXPIRED" ? orderExpired(order.orderId) : orderNotPending(order.orderId, order.status);
}

export interface SettleDeps {
  repo: OrderRepo;
  warehouse: WarehouseReservations;
  now: Clock;
}

/**
 * An unpaid order ends (`end`: EXPIRED when it lapsed, CANCELLED when its buyer cancelled): the
 * warehouse releases its stock, then the order moves. If the warehouse says the reservation was
 * committed, a payment won the race and the order is PAID instead. `moved` says whether this
 * call moved the order (false: someone else moved it first). Used by the sweeper, by a payment
 * that arrives too late and by a cancel.
 */
export async function endUnpaid(
  deps: SettleDeps,
  orderId: string,
  end: "EXPIRED" | "CANCELLED",
  options: PeerCallOptions,
): Promise<{ status: "PAID" | "EXPIRED" | "CANCELLED"; moved: boolean }> {
  if ((await deps.warehouse.settle(orderId, "RELEASED", options)) === "COMMITTED") {
    return { status: "PAID", moved: await deps.repo.markPaidByWarehouse(orderId, deps.now()) };
  }
  return { status: end, moved: await deps.repo.markEnded(orderId, end, deps.now()) };
}
