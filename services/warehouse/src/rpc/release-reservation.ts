import type { HandlersOf } from "@wms/grpc";
import { reservationCounter } from "@wms/telemetry";
import type { WarehouseServiceService } from "@wms/proto/warehouse";
import type { WarehouseDomain } from "../domain/index.js";
import { toReservationMessage } from "../mapping.js";

const countReservation = reservationCounter("warehouse");

/** Internal (the order service, on cancel or expiry): a held reservation's units return. */
export function releaseReservation(domain: WarehouseDomain): HandlersOf<typeof WarehouseServiceService>["releaseReservation"] {
  return async (request, ctx) => {
    ctx.requireService();
    const view = await domain.reservations.releaseReservation(request.reservationId);
    countReservation("released");
    return { reservation: toReservationMessage(view) };
  };
}
