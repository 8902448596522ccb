import type { HandlersOf } from "@wms/grpc";
import type { OrderServiceService } from "@wms/proto/order";
import type { OrdersDomain } from "../domain/index.js";
import { toOrderMessage } from "../mapping.js";

/** The owning buyer cancels a pending order; its stock goes back. */
export function cancelOrder(orders: OrdersDomain): HandlersOf<typeof OrderServiceService>["cancelOrder"] {
  return async (request, ctx) => {
    const buyer = ctx.requireUser("buyer");
    const order = await orders.cancelOrder({ userId: buyer.userId, orderId: request.orderId, deadline: ctx.deadline });
    return { order: toOrderMessage(order) };
  };
}
