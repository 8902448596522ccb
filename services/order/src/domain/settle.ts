import { isId } from "@wms/db";
import { errors } from "@wms/errors";
import { ReservationStatus } from "@wms/proto/warehouse";
import type { OrderRecord, OrderRepo } from "../db/repo.js";
import { isVisible } from "../mapping.js";
import { isRefusal, RESERVATION_COMMITTED, type Clock, type PeerCallOptions, type WarehouseReservations } from "./ports.js";

/** An order of this buyer; another buyer's order, an internal one or a malformed id are all NOT_FOUND alike. */
export async function findOwned(repo: OrderRepo, userId: string, orderId: string): Promise<OrderRecord> {
  const order = isId(orderId) ? await repo.findById(orderId) : undefined;
  if (!order || order.userId !== userId || !isVisible(order.status)) throw errors.notFound("order", orderId);
  return order;
}

export const orderExpired = (orderId: string) => errors.failedPrecondition("ORDER_EXPIRED", `order ${orderId} has expired`);
export const orderNotPending = (orderId: string, status: string) =>
  errors.failedPrecondition("ORDER_NOT_PENDING", `order ${orderId} is ${status}, not pending payment`);

/** The refusal for acting on an order that is no longer PENDING_PAYMENT. */
export function notPendingError(order: OrderRecord) {
  return order.status === "EXPIRED" ? orderExpired(order.orderId) : orderNotPending(order.orderId, order.status);
}

/**
 * An unpaid order past its expiry: the warehouse releases its stock, then the order is
 * EXPIRED. If the warehouse says the reservation was committed, a payment won the race and
 * the order is PAID instead. Used by the sweeper and by a payment that arrives too late.
 */
export async function settleLapsed(
  deps: { repo: OrderRepo; warehouse: WarehouseReservations; now: Clock },
  orderId: string,
  options: PeerCallOptions,
): Promise<"expired" | "paid"> {
  let committed = false;
  try {
    const { reservation } = await deps.warehouse.releaseReservation({ reservationId: orderId }, options);
    committed = reservation?.status === ReservationStatus.RESERVATION_STATUS_COMMITTED;
  } catch (err) {
    if (!isRefusal(err, RESERVATION_COMMITTED)) throw err;
    committed = true;
  }
  if (committed) {
    await deps.repo.markPaidByWarehouse(orderId, deps.now());
    return "paid";
  }
  await deps.repo.markExpired(orderId, deps.now());
  return "expired";
}
