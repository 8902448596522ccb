import type { HandlersOf } from "@wms/grpc";
import type { OrderServiceService } from "@wms/proto/order";
import type { OrdersDomain } from "../domain/index.js";
import { toOrderMessage } from "../mapping.js";

/** The owning buyer pays a pending, unexpired order; its reservation is committed. */
export function payOrder(orders: OrdersDomain): HandlersOf<typeof OrderServiceService>["payOrder"] {
  return async (request, ctx) => {
    const buyer = ctx.requireUser("buyer");
    const order = await orders.payOrder({
      userId: buyer.userId,
      orderId: request.orderId,
      paymentReference: request.paymentReference,
      deadline: ctx.deadline,
    });
    return { order: toOrderMessage(order) };
  };
}
