import { decodePageToken, nextPageToken, pageSize, type HandlersOf } from "@wms/grpc";
import { errors } from "@wms/errors";
import { OrderStatus, type OrderServiceService } from "@wms/proto/order";
import type { OrdersDomain } from "../domain/index.js";
import { fromMessageStatus, toOrderMessage } from "../mapping.js";

/** The caller's own orders, newest first, optionally of one status. */
export function listOrders(orders: OrdersDomain): HandlersOf<typeof OrderServiceService>["listOrders"] {
  return async (request, ctx) => {
    const buyer = ctx.requireUser("buyer");
    const limit = pageSize(request.pageSize);
    const beforeId = decodePageToken(request.pageToken);
    const status = fromMessageStatus(request.status);
    if (request.status !== OrderStatus.ORDER_STATUS_UNSPECIFIED && status === undefined) {
      throw errors.invalidArgument([{ field: "status", reason: "INVALID_VALUE", description: "is not an order status" }]);
    }
    const { rows, hasMore } = await orders.listOrders({ userId: buyer.userId, status, beforeId, limit });
    return { orders: rows.map(toOrderMessage), nextPageToken: nextPageToken(rows, hasMore, (r) => r.orderId) };
  };
}
