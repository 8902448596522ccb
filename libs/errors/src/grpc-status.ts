import { Metadata, status as Status, type ServiceError, type StatusObject } from "@grpc/grpc-js";
import { create, toBinary, fromBinary, type DescMessage, type Message } from "@bufbuild/protobuf";
import { anyPack, anyUnpack, type Any } from "@bufbuild/protobuf/wkt";
import { descriptorRegistry } from "@wms/proto/descriptors";
import { DomainError, excerpt, type ErrorKind, type FieldViolation } from "./domain-error.js";
import { transportError } from "./transport-failure.js";

// Bounds on what one status carries back, whatever a handler put in it: client input echoed
// in a message or a metadata value stays an excerpt.
const MAX_MESSAGE = 300;
const MAX_METADATA_VALUE = 100;
const MAX_VIOLATIONS = 50;

const codeOfKind: Record<ErrorKind, Status> = {
  INVALID_ARGUMENT: Status.INVALID_ARGUMENT,
  NOT_FOUND: Status.NOT_FOUND,
  ALREADY_EXISTS: Status.ALREADY_EXISTS,
  PERMISSION_DENIED: Status.PERMISSION_DENIED,
  UNAUTHENTICATED: Status.UNAUTHENTICATED,
  FAILED_PRECONDITION: Status.FAILED_PRECONDITION,
  ABORTED: Status.ABORTED,
  RESOURCE_EXHAUSTED: Status.RESOURCE_EXHAUSTED,
  UNAVAILABLE: Status.UNAVAILABLE,
  DEADLINE_EXCEEDED: Status.DEADLINE_EXCEEDED,
  UNIMPLEMENTED: Status.UNIMPLEMENTED,
  INTERNAL: Status.INTERNAL,
};
const kindOfCode = new Map<number, ErrorKind>(Object.entries(codeOfKind).map(([k, c]) => [c, k as ErrorKind]));

const STATUS_DETAILS_KEY = "grpc-status-details-bin";

/** The ErrorInfo reason of a failure nobody anticipated (a bug, a lost database): INTERNAL, cause logged only. */
export const UNEXPECTED_ERROR = "UNEXPECTED_ERROR";

function schema(name: string): DescMessage {
  const desc = descriptorRegistry().getMessage(name);
  if (!desc) throw new Error(`${name} missing from the descriptor image`);
  return desc;
}
const schemas = {
  status: () => schema("google.rpc.Status"),
  errorInfo: () => schema("google.rpc.ErrorInfo"),
  badRequest: () => schema("google.rpc.BadRequest"),
  retryInfo: () => schema("google.rpc.RetryInfo"),
};

/**
 * The one place a failure becomes a gRPC status. DomainErrors keep their kind and reason; the
 * database or network failing is UNAVAILABLE (retry later); anything else is INTERNAL with a
 * generic message (the cause is logged by the caller, never sent).
 */
export function toServiceError(failure: unknown, domain: string): Partial<StatusObject> {
  const err = failure instanceof DomainError ? failure : transportError(failure) ?? failure;
  if (!(err instanceof DomainError)) {
    return { code: Status.INTERNAL, details: "internal error", metadata: detailsMetadata(Status.INTERNAL, "internal error", UNEXPECTED_ERROR, domain, {}, []) };
  }
  const code = codeOfKind[err.kind];
  const message = excerpt(err.message, MAX_MESSAGE);
  const metadata = Object.fromEntries(Object.entries(err.metadata).map(([k, v]) => [k, excerpt(v, MAX_METADATA_VALUE)]));
  const violations = err.fieldViolations
    .slice(0, MAX_VIOLATIONS)
    .map((v) => ({ ...v, field: excerpt(v.field, MAX_METADATA_VALUE), description: excerpt(v.description, MAX_MESSAGE) }));
  return { code, details: message, metadata: detailsMetadata(code, message, err.reason, err.domain ?? domain, metadata, violations, err.retryDelayMs) };
}

function detailsMetadata(
  code: number,
  message: string,
  reason: string,
  domain: string,
  metadata: Record<string, string>,
  violations: FieldViolation[],
  retryDelayMs?: number,
): Metadata {
  const details: Any[] = [anyPack(schemas.errorInfo(), create(schemas.errorInfo(), { reason, domain, metadata }))];
  if (violations.length > 0) {
    details.push(anyPack(schemas.badRequest(), create(schemas.badRequest(), { fieldViolations: violations })));
  }
  if (retryDelayMs !== undefined) {
    const retryDelay = { seconds: BigInt(Math.floor(retryDelayMs / 1000)), nanos: (retryDelayMs % 1000) * 1_000_000 };
    details.push(anyPack(schemas.retryInfo(), create(schemas.retryInfo(), { retryDelay })));
  }
  const statusMessage = create(schemas.status(), { code, message, details });
  const md = new Metadata();
  md.set(STATUS_DETAILS_KEY, Buffer.from(toBinary(schemas.status(), statusMessage)));
  return md;
}

export interface StatusDetails {
  reason?: string;
  domain?: string;
  metadata: Record<string, string>;
  fieldViolations: FieldViolation[];
  /** google.rpc.RetryInfo's retry_delay in milliseconds, when the status carried one. */
  retryDelayMs?: number;
  /** Every detail as its Any, for re-encoding (the gateway writes them as JSON). */
  details: Any[];
}

/** Reads google.rpc.Status details from a call's trailing metadata. */
export function decodeStatusDetails(metadata: Metadata | undefined): StatusDetails {
  const out: StatusDetails = { metadata: {}, fieldViolations: [], details: [] };
  const raw = metadata?.get(STATUS_DETAILS_KEY)[0];
  if (!(raw instanceof Buffer)) return out;
  const statusMessage = fromBinary(schemas.status(), raw) as Message & { details: Any[] };
  out.details = statusMessage.details;
  for (const any of statusMessage.details) {
    const info = anyUnpack(any, schemas.errorInfo()) as (Message & { reason: string; domain: string; metadata: Record<string, string> }) | undefined;
    if (info) {
      out.reason = info.reason;
      out.domain = info.domain;
      out.metadata = { ...info.metadata };
    }
    const bad = anyUnpack(any, schemas.badRequest()) as (Message & { fieldViolations: FieldViolation[] }) | undefined;
    if (bad) out.fieldViolations = bad.fieldViolations.map((v) => ({ field: v.field, description: v.description, reason: v.reason }));
    const retry = anyUnpack(any, schemas.retryInfo()) as (Message & { retryDelay?: { seconds: bigint; nanos: number } }) | undefined;
    if (retry?.retryDelay) out.retryDelayMs = Number(retry.retryDelay.seconds) * 1000 + Math.ceil(retry.retryDelay.nanos / 1_000_000);
  }
  return out;
}

/**
 * Turns a failed call to another service back into a DomainError, keeping its code, reason
 * and field violations, so a caller can rethrow it (INSUFFICIENT_STOCK reaches the buyer as is).
 * A failure without details never reached one of our handlers (the peer is down, the deadline
 * passed, the connection broke): its text names internal addresses (`connect ECONNREFUSED
 * 10.0.0.7:50054`), so it is replaced by one naming only the service called. Such an error has
 * no domain: nobody decided it, so the work may or may not have been done.
 */
export function fromServiceError(err: unknown, calledMethod?: string): DomainError {
  if (err instanceof DomainError) return err;
  const se = err as Partial<ServiceError>;
  const kind = typeof se.code === "number" ? kindOfCode.get(se.code) ?? "INTERNAL" : "INTERNAL";
  const details = decodeStatusDetails(se.metadata);
  if (details.reason !== undefined) {
    const message = se.details ?? (err instanceof Error ? err.message : "call failed");
    const passed = new DomainError(kind, details.reason, message, details.fieldViolations, details.metadata, details.domain);
    passed.retryDelayMs = details.retryDelayMs;
    return passed;
  }
  return transportFailure(kind, calledMethod);
}

function transportFailure(kind: ErrorKind, calledMethod: string | undefined): DomainError {
  // "/wms.warehouse.v1.WarehouseService/ReserveStock" → "wms.warehouse.v1.WarehouseService"
  const service = calledMethod?.replace(/^\//, "").split("/")[0] || "a peer service";
  const metadata: Record<string, string> = calledMethod ? { service } : {};
  switch (kind) {
    case "UNAVAILABLE":
      return new DomainError(kind, "SERVICE_UNREACHABLE", `${service} could not be reached; try again`, [], metadata);
    case "DEADLINE_EXCEEDED":
      return new DomainError(kind, "SERVICE_TIMEOUT", `${service} did not answer in time`, [], metadata);
    default:
      return new DomainError(kind, "SERVICE_CALL_FAILED", `the call to ${service} failed`, [], metadata);
  }
}
