import type { HandlersOf } from "@wms/grpc";
import type { WarehouseServiceService } from "@wms/proto/warehouse";
import type { WarehouseDomain } from "../domain/index.js";
import { toReservationMessage } from "../mapping.js";

/** Internal (the order service, on cancel or expiry): a held reservation's units return. */
export function releaseReservation(domain: WarehouseDomain): HandlersOf<typeof WarehouseServiceService>["releaseReservation"] {
  return async (request, ctx) => {
    ctx.requireService();
    return { reservation: toReservationMessage(await domain.reservations.releaseReservation(request.reservationId)) };
  };
}
