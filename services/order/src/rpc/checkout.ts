import type { HandlersOf } from "@wms/grpc";
import type { OrderServiceService } from "@wms/proto/order";
import type { OrdersDomain } from "../domain/index.js";
import { toOrderMessage } from "../mapping.js";

/** A buyer checks out: stock for every line is reserved, or none (INSUFFICIENT_STOCK). */
export function checkout(orders: OrdersDomain): HandlersOf<typeof OrderServiceService>["checkout"] {
  return async (request, ctx) => {
    const buyer = ctx.requireUser("buyer");
    const order = await orders.checkout({
      userId: buyer.userId,
      items: request.items,
      idempotencyKey: request.idempotencyKey,
      deadline: ctx.deadline,
    });
    return { order: toOrderMessage(order) };
  };
}
