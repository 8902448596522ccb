import type { HandlersOf } from "@wms/grpc";
import type { OrderServiceService } from "@wms/proto/order";
import type { OrdersDomain } from "../domain/index.js";
import { toOrderMessage } from "../mapping.js";

/** The buyer who owns the order; anyone else gets NOT_FOUND, so existence does not leak. */
export function getOrder(orders: OrdersDomain): HandlersOf<typeof OrderServiceService>["getOrder"] {
  return async (request, ctx) => {
    const buyer = ctx.requireUser("buyer");
    return { order: toOrderMessage(await orders.getOrder(buyer.userId, request.orderId)) };
  };
}
