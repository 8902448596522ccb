import { fromTimestamp, type HandlersOf } from "@wms/grpc";
import { reservationCounter } from "@wms/telemetry";
import type { WarehouseServiceService } from "@wms/proto/warehouse";
import type { WarehouseDomain } from "../domain/index.js";
import { toReservationMessage } from "../mapping.js";

const countReservation = reservationCounter("warehouse");

/** Internal (the order service): holds stock for all lines or none; idempotent by reservation id. */
export function reserveStock(domain: WarehouseDomain): HandlersOf<typeof WarehouseServiceService>["reserveStock"] {
  return async (request, ctx) => {
    ctx.requireService();
    const reservation = await domain.reservations.reserveStock({
      reservationId: request.reservationId,
      lines: request.lines.map((l) => ({ productId: l.productId, quantity: l.quantity })),
      expireTime: request.expireTime ? fromTimestamp(request.expireTime) : undefined,
      deadline: ctx.deadline,
    });
    if (reservation.status === "HELD") countReservation("made");
    return { reservation: toReservationMessage(reservation) };
  };
}
