import type { HandlersOf } from "@wms/grpc";
import { reservationCounter } from "@wms/telemetry";
import type { WarehouseServiceService } from "@wms/proto/warehouse";
import type { WarehouseDomain } from "../domain/index.js";
import { toReservationMessage } from "../mapping.js";

const countReservation = reservationCounter("warehouse");

/** Internal (the order service, on payment): a held, unexpired reservation ships. */
export function commitReservation(domain: WarehouseDomain): HandlersOf<typeof WarehouseServiceService>["commitReservation"] {
  return async (request, ctx) => {
    ctx.requireService();
    const view = await domain.reservations.commitReservation(request.reservationId);
    countReservation("committed");
    return { reservation: toReservationMessage(view) };
  };
}
