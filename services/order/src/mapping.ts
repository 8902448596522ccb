import { toTimestamp } from "@wms/grpc";
import { OrderStatus, type Order } from "@wms/proto/order";
import type { OrderRecord } from "./db/repo.js";
import type { OrderStatusValue } from "./db/schema/orders.js";

/** The statuses a buyer sees; PENDING and FAILED are internal and never leave the service. */
export const visibleStatuses = ["PENDING_PAYMENT", "PAID", "EXPIRED", "CANCELLED"] as const satisfies readonly OrderStatusValue[];
export type VisibleStatus = (typeof visibleStatuses)[number];

const toMessageStatus: Record<VisibleStatus, OrderStatus> = {
  PENDING_PAYMENT: OrderStatus.ORDER_STATUS_PENDING_PAYMENT,
  PAID: OrderStatus.ORDER_STATUS_PAID,
  EXPIRED: OrderStatus.ORDER_STATUS_EXPIRED,
  CANCELLED: OrderStatus.ORDER_STATUS_CANCELLED,
};

export function isVisible(status: OrderStatusValue): status is VisibleStatus {
  return (visibleStatuses as readonly string[]).includes(status);
}

/** The stored status for a requested one; undefined for UNSPECIFIED or a value the contract lacks. */
export function fromMessageStatus(status: OrderStatus): VisibleStatus | undefined {
  return visibleStatuses.find((s) => toMessageStatus[s] === status);
}

export function toOrderMessage(record: OrderRecord): Order {
  if (!isVisible(record.status)) throw new Error(`order ${record.orderId} is ${record.status}, not shown to buyers`);
  return {
    orderId: record.orderId,
    userId: record.userId,
    status: toMessageStatus[record.status],
    items: record.items.map((item) => ({
      productId: item.productId,
      quantity: item.quantity,
      unitPriceCents: item.unitPriceCents,
      allocations: item.allocations.map((a) => ({ warehouseId: a.warehouseId, quantity: a.quantity })),
    })),
    totalCents: record.totalCents,
    createTime: toTimestamp(record.createTime),
    expireTime: toTimestamp(record.expireTime),
    payTime: record.payTime ? toTimestamp(record.payTime) : undefined,
  };
}
