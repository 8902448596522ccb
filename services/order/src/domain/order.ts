/**
 * PENDING and FAILED are internal: a checkout half-way through its saga, and one that did not
 * reserve. Neither is ever shown to a buyer.
 */
export const orderStatuses = ["PENDING", "PENDING_PAYMENT", "PAID", "EXPIRED", "CANCELLED", "FAILED"] as const;
export type OrderStatus = (typeof orderStatuses)[number];

/** The statuses a buyer sees; PENDING and FAILED are internal and never leave the service. */
export const visibleStatuses = ["PENDING_PAYMENT", "PAID", "EXPIRED", "CANCELLED"] as const satisfies readonly OrderStatus[];
export type VisibleStatus = (typeof visibleStatuses)[number];

export function isVisible(status: OrderStatus): status is VisibleStatus {
  return (visibleStatuses as readonly string[]).includes(status);
}

/** Where a line's units are reserved: written once, when the warehouse answered the reservation. */
export interface LineAllocation {
  warehouseId: string;
  quantity: number;
}

export interface OrderLine {
  productId: string;
  quantity: number;
  /** The product's price when the order was placed. */
  unitPriceCents: number;
  allocations: LineAllocation[];
}

/** An order with its lines, in the order of the checkout request. */
export interface Order {
  orderId: string;
  userId: string;
  status: OrderStatus;
  /** Null without one, and once the order FAILED (the buyer may retry with the same key). */
  idempotencyKey: string | null;
  totalCents: number;
  createTime: Date;
  /** The reservation lapses then (the warehouse's time is the one kept). */
  expireTime: Date;
  payTime: Date | null;
  /** Null on a PAID order means it was found paid by the sweeper or a cancel, not by its payer. */
  paymentReference: string | null;
  /** Why a FAILED order failed (an error reason), for operators. */
  failureReason: string | null;
  items: OrderLine[];
}

export type Clock = () => Date;

/** Options of a call to another service: the caller's deadline is passed on. */
export interface PeerCallOptions {
  deadline?: Date;
}
