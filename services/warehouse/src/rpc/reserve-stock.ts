import { fromTimestamp, type HandlersOf } from "@wms/grpc";
import type { WarehouseServiceService } from "@wms/proto/warehouse";
import type { WarehouseDomain } from "../domain/index.js";
import { toReservationMessage } from "../mapping.js";

/** Internal (the order service): holds stock for all lines or none; idempotent by reservation id. */
export function reserveStock(domain: WarehouseDomain): HandlersOf<typeof WarehouseServiceService>["reserveStock"] {
  return async (request, ctx) => {
    ctx.requireService();
    const view = await domain.reservations.reserveStock({
      reservationId: request.reservationId,
      lines: request.lines.map((l) => ({ productId: l.productId, quantity: l.quantity })),
      expireTime: request.expireTime ? fromTimestamp(request.expireTime) : undefined,
      deadline: ctx.deadline,
    });
    return { reservation: toReservationMessage(view) };
  };
}
