import { DomainError, type ErrorKind } from "@wms/errors";
import type {
  CommitReservationRequest,
  CommitReservationResponse,
  ReleaseReservationRequest,
  ReleaseReservationResponse,
  ReserveStockRequest,
  ReserveStockResponse,
} from "@wms/proto/warehouse";
import type { BatchGetProductsRequest, BatchGetProductsResponse } from "@wms/proto/product";

/** Options of a call to another service: the caller's deadline is passed on. */
export interface PeerCallOptions {
  deadline?: Date;
}

/** The warehouse's reservation RPCs: the arbiter of what happened to an order's stock. */
export interface WarehouseReservations {
  reserveStock(request: ReserveStockRequest, options?: PeerCallOptions): Promise<ReserveStockResponse>;
  commitReservation(request: CommitReservationRequest, options?: PeerCallOptions): Promise<CommitReservationResponse>;
  releaseReservation(request: ReleaseReservationRequest, options?: PeerCallOptions): Promise<ReleaseReservationResponse>;
}

/** Prices come from the product service, read once per checkout. */
export interface ProductCatalog {
  batchGetProducts(request: BatchGetProductsRequest, options?: PeerCallOptions): Promise<BatchGetProductsResponse>;
}

export type Clock = () => Date;

/** Answers the warehouse gives on commit and release that say where a reservation already is. */
export const RESERVATION_EXPIRED = "RESERVATION_EXPIRED";
export const RESERVATION_RELEASED = "RESERVATION_RELEASED";
export const RESERVATION_COMMITTED = "RESERVATION_COMMITTED";

export function isRefusal(err: unknown, ...reasons: string[]): err is DomainError {
  return err instanceof DomainError && err.kind === "FAILED_PRECONDITION" && reasons.includes(err.reason);
}

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
 * no ErrorInfo, so the reservation may exist and must be released before the order fails.
 */
export function reservedNothing(err: unknown): boolean {
  return err instanceof DomainError && err.domain !== undefined && decidedKinds.has(err.kind);
}

/** The reason to record for a failure (DomainError reason, else a generic one). */
export function reasonOf(err: unknown): string {
  return err instanceof DomainError ? err.reason : "INTERNAL";
}
