import { errors, Validator } from "@wms/errors";
import type { OrderRepo } from "../db/repo.js";
import type { Clock, Order } from "./order.js";
import { endUnpaid, findOwned, notPendingError, orderExpired, orderNotPending } from "./settle.js";
import type { WarehouseReservations } from "./warehouse.js";

export const MAX_PAYMENT_REFERENCE = 200;

export interface PaymentDeps {
  repo: OrderRepo;
  warehouse: WarehouseReservations;
  now: Clock;
}

export interface PayInput {
  userId: string;
  orderId: string;
  paymentReference: string;
  deadline?: Date;
}

export interface CancelInput {
  userId: string;
  orderId: string;
  deadline?: Date;
}

/**
 * Pay and cancel ask the warehouse first (it is the arbiter: commit and release are
 * conditional on the reservation being HELD, so exactly one wins), then move the order with a
 * conditional update. Whoever moves it second reads it back and answers from what it finds.
 */
export function createPayment(deps: PaymentDeps) {
  const { repo, warehouse, now } = deps;

  /** Answers from the order's current state after another call moved it. */
  async function answerFromCurrent(orderId: string, paymentReference?: string): Promise<Order> {
    const current = await repo.findById(orderId);
    if (!current) throw errors.notFound("order", orderId);
    if (current.status === "PAID" && paymentReference && current.paymentReference === paymentReference) return current;
    throw notPendingError(current);
  }

  async function payOrder(input: PayInput): Promise<Order> {
    new Validator().text(input.paymentReference, MAX_PAYMENT_REFERENCE, "payment_reference").throwIfInvalid();
    const order = await findOwned(repo, input.userId, input.orderId);
    if (order.status === "PAID" && input.paymentReference !== "") {
      // A retried payment (same reference) gets its order back. An order found paid by the
      // sweeper or a cancel (no reference: the payer's reply was lost) is claimed by its payer.
      if (order.paymentReference === input.paymentReference) return order;
      if (order.paymentReference === null && (await repo.markPaid(order.orderId, order.payTime ?? now(), input.paymentReference))) {
        return mustFind(order.orderId);
      }
    }
    if (order.status !== "PENDING_PAYMENT") throw notPendingError(order);
    if (now().getTime() >= order.expireTime.getTime()) {
      try {
        await endUnpaid(deps, order.orderId, "EXPIRED", { deadline: input.deadline });
      } catch {
        // The order is past its time either way; the sweeper finishes the release.
        throw orderExpired(order.orderId);
      }
      return answerFromCurrent(order.orderId, input.paymentReference);
    }
    // A failure with an unknown outcome (timeout, warehouse down) is thrown: the order stays
    // PENDING_PAYMENT; a retry commits idempotently, or the sweeper later finds it committed.
    const settled = await warehouse.settle(order.orderId, "COMMITTED", { deadline: input.deadline });
    if (settled === "RELEASED") {
      // Expired or released at the warehouse before this commit.
      await repo.markEnded(order.orderId, "EXPIRED", now());
      return answerFromCurrent(order.orderId, input.paymentReference);
    }
    if (settled !== "COMMITTED") {
      throw errors.aborted("RESERVATION_NOT_COMMITTED", "the warehouse did not commit the reservation; try again", { orderId: order.orderId });
    }
    if (await repo.markPaid(order.orderId, now(), input.paymentReference)) return mustFind(order.orderId);
    return answerFromCurrent(order.orderId, input.paymentReference);
  }

  async function cancelOrder(input: CancelInput): Promise<Order> {
    const order = await findOwned(repo, input.userId, input.orderId);
    if (order.status === "CANCELLED") return order;
    if (order.status !== "PENDING_PAYMENT") throw notPendingError(order);
    const ended = await endUnpaid(deps, order.orderId, "CANCELLED", { deadline: input.deadline });
    // A payment committed first: the order is paid, whoever records it.
    if (ended.status === "PAID") throw orderNotPending(order.orderId, "PAID");
    if (ended.moved) return mustFind(order.orderId);
    const current = await mustFind(order.orderId);
    if (current.status === "CANCELLED") return current;
    throw notPendingError(current);
  }

  async function mustFind(orderId: string): Promise<Order> {
    const order = await repo.findById(orderId);
    if (!order) throw errors.notFound("order", orderId);
    return order;
  }

  return { payOrder, cancelOrder };
}
