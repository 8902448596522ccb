import { DomainError } from "@wms/errors";
import type { PeerCallOptions } from "./order.js";

export type ReservationStatus = "HELD" | "COMMITTED" | "RELEASED";

export interface ReservedUnits {
  productId: string;
  warehouseId: string;
  quantity: number;
}

/** The warehouse's record of an order's stock (the reservation id is the order id). */
export interface Reservation {
  status: ReservationStatus;
  expireTime: Date;
  allocations: ReservedUnits[];
}

export interface ReserveRequest {
  reservationId: string;
  lines: Array<{ productId: string; quantity: number }>;
  expireTime: Date;
}

/**
 * How a reserve ended, as far as anyone can tell: the warehouse answered with the reservation,
 * or it refused (nothing is held), or the outcome is unknown (a transport failure or a lost
 * reply: the reservation may exist and must be released before the order fails).
 */
export type ReserveOutcome =
  | { kind: "answered"; reservation: Reservation }
  | { kind: "refused"; error: unknown }
  | { kind: "unknown"; error: unknown };

/** The warehouse's reservations: the arbiter of what happened to an order's stock. */
export interface WarehouseReservations {
  /** Idempotent by reservation id; a released id answers RELEASED (a tombstone), holding nothing. */
  reserve(request: ReserveRequest, options?: PeerCallOptions): Promise<ReserveOutcome>;
  /**
   * Commits (`to` COMMITTED) or releases (`to` RELEASED) a reservation and answers the status it
   * ended in: the other one when the warehouse says it already went the other way (a commit
   * refused as expired or released answers RELEASED; a release refused as committed answers
   * COMMITTED). Any other failure is thrown: nobody knows what happened.
   */
  settle(reservationId: string, to: "COMMITTED" | "RELEASED", options?: PeerCallOptions): Promise<ReservationStatus>;
}

/** The reason to record for a failure (DomainError reason, else a generic one). */
export function reasonOf(err: unknown): string {
  return err instanceof DomainError ? err.reason : "INTERNAL";
}
