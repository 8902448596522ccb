import type { HandlersOf } from "@wms/grpc";
import type { WarehouseServiceService } from "@wms/proto/warehouse";
import type { WarehouseDomain } from "../domain/index.js";
import { toReservationMessage } from "../mapping.js";

/** Internal (the order service, on payment): a held, unexpired reservation ships. */
export function commitReservation(domain: WarehouseDomain): HandlersOf<typeof WarehouseServiceService>["commitReservation"] {
  return async (request, ctx) => {
    ctx.requireService();
    return { reservation: toReservationMessage(await domain.reservations.commitReservation(request.reservationId)) };
  };
}
