import { toTimestamp } from "@wms/grpc";
import { OrderStatus as OrderStatusMessage, type Order as OrderMessage } from "@wms/proto/order";
import { isVisible, visibleStatuses, type Order, type VisibleStatus } from "./domain/index.js";

const toMessageStatus: Record<VisibleStatus, OrderStatusMessage> = {
  PENDING_PAYMENT: OrderStatusMessage.ORDER_STATUS_PENDING_PAYMENT,
  PAID: OrderStatusMessage.ORDER_STATUS_PAID,
  EXPIRED: OrderStatusMessage.ORDER_STATUS_EXPIRED,
  CANCELLED: OrderStatusMessage.ORDER_STATUS_CANCELLED,
};

/** The domain status for a requested one; undefined for UNSPECIFIED or a value the contract lacks. */
export function fromMessageStatus(status: OrderStatusMessage): VisibleStatus | undefined {
  return visibleStatuses.find((s) => toMessageStatus[s] === status);
}

export function toOrderMessage(order: Order): OrderMessage {
  if (!isVisible(order.status)) throw new Error(`order ${order.orderId} is ${order.status}, not shown to buyers`);
  return {
    orderId: order.orderId,
    userId: order.userId,
    status: toMessageStatus[order.status],
    items: order.items.map((item) => ({
      productId: item.productId,
      quantity: item.quantity,
      unitPriceCents: item.unitPriceCents,
      allocations: item.allocations.map((a) => ({ warehouseId: a.warehouseId, quantity: a.quantity })),
    })),
    totalCents: order.totalCents,
    createTime: toTimestamp(order.createTime),
    expireTime: toTimestamp(order.expireTime),
    payTime: order.payTime ? toTimestamp(order.payTime) : undefined,
  };
}
