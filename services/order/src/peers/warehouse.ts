import { DomainError, errors, type ErrorKind } from "@wms/errors";
import { fromTimestamp, toTimestamp } from "@wms/grpc";
import {
  ReservationStatus as ReservationStatusMessage,
  type CommitReservationRequest,
  type CommitReservationResponse,
  type ReleaseReservationRequest,
  type ReleaseReservationResponse,
  type Reservation as ReservationMessage,
  type ReserveStockRequest,
  type ReserveStockResponse,
} from "@wms/proto/warehouse";
import type { PeerCallOptions } from "../domain/order.js";
import type { Reservation, ReservationStatus, ReserveRequest, WarehouseReservations } from "../domain/warehouse.js";

/** The warehouse's reservation RPCs, as the promise client exposes them. */
export interface WarehouseClient {
  reserveStock(request: ReserveStockRequest, options?: PeerCallOptions): Promise<ReserveStockResponse>;
  commitReservation(request: CommitReservationRequest, options?: PeerCallOptions): Promise<CommitReservationResponse>;
  releaseReservation(request: ReleaseReservationRequest, options?: PeerCallOptions): Promise<ReleaseReservationResponse>;
}

/** Answers the warehouse gives on commit and release that say where a reservation already is. */
const ALREADY_ENDED: Record<"COMMITTED" | "RELEASED", { reasons: string[]; status: ReservationStatus }> = {
  COMMITTED: { reasons: ["RESERVATION_EXPIRED", "RESERVATION_RELEASED"], status: "RELEASED" },
  RELEASED: { reasons: ["RESERVATION_COMMITTED"], status: "COMMITTED" },
};

// Refusals a handler decides before it changes anything. INTERNAL and DEADLINE_EXCEEDED are
// not among them: the work may have been done and only the answer lost.
const decidedKinds = new Set<ErrorKind>([
  "INVALID_ARGUMENT",
  "NOT_FOUND",
  "ALREADY_EXISTS",
  "PERMISSION_DENIED",
  "UNAUTHENTICATED",
  "FAILED_PRECONDITION",
  "ABORTED",
  "RESOURCE_EXHAUSTED",
  "UNAVAILABLE",
  "UNIMPLEMENTED",
]);

/**
 * True when a failed ReserveStock certainly reserved nothing: the warehouse itself answered
 * (its ErrorInfo names a domain) with a refusal. A transport failure or a lost reply carries
 * no ErrorInfo, so the reservation may exist.
 */
function reservedNothing(err: unknown): boolean {
  return err instanceof DomainError && err.domain !== undefined && decidedKinds.has(err.kind);
}

const statusOf: Record<ReservationStatusMessage, ReservationStatus | undefined> = {
  [ReservationStatusMessage.RESERVATION_STATUS_UNSPECIFIED]: undefined,
  [ReservationStatusMessage.RESERVATION_STATUS_HELD]: "HELD",
  [ReservationStatusMessage.RESERVATION_STATUS_COMMITTED]: "COMMITTED",
  [ReservationStatusMessage.RESERVATION_STATUS_RELEASED]: "RELEASED",
  [ReservationStatusMessage.UNRECOGNIZED]: undefined,
};

/** The reservation in an answer; one without a reservation or a known status is a broken answer. */
function toReservation(message: ReservationMessage | undefined, requestedExpireTime?: Date): Reservation {
  const status = message ? statusOf[message.status] : undefined;
  if (!message || !status) throw errors.internal("RESERVATION_STATUS_MISSING", "the warehouse answered without a reservation status", { reservationId: message?.reservationId ?? "" });
  return {
    status,
    expireTime: message.expireTime ? fromTimestamp(message.expireTime) : (requestedExpireTime ?? new Date(0)),
    allocations: message.allocations.map((a) => ({ productId: a.productId, warehouseId: a.warehouseId, quantity: a.quantity })),
  };
}

/** The order service's view of the warehouse: domain types in, peer errors classified. */
export function warehouseReservations(client: WarehouseClient): WarehouseReservations {
  return {
    async reserve(request: ReserveRequest, options) {
      let response: ReserveStockResponse;
      try {
        response = await client.reserveStock(
          { reservationId: request.reservationId, lines: request.lines, expireTime: toTimestamp(request.expireTime) },
          options,
        );
      } catch (error) {
        return reservedNothing(error) ? { kind: "refused", error } : { kind: "unknown", error };
      }
      return { kind: "answered", reservation: toReservation(response.reservation, request.expireTime) };
    },

    async settle(reservationId, to, options) {
      try {
        const { reservation } =
          to === "COMMITTED"
            ? await client.commitReservation({ reservationId }, options)
            : await client.releaseReservation({ reservationId }, options);
        return toReservation(reservation).status;
      } catch (err) {
        const ended = ALREADY_ENDED[to];
        if (err instanceof DomainError && err.kind === "FAILED_PRECONDITION" && ended.reasons.includes(err.reason)) return ended.status;
        throw err;
      }
    },
  };
}
