/** The kinds of failure domain code may report; each maps to one gRPC status code. */
export type ErrorKind =
  | "INVALID_ARGUMENT"
  | "NOT_FOUND"
  | "ALREADY_EXISTS"
  | "PERMISSION_DENIED"
  | "UNAUTHENTICATED"
  | "FAILED_PRECONDITION"
  | "ABORTED"
  | "RESOURCE_EXHAUSTED"
  | "UNAVAILABLE"
  | "DEADLINE_EXCEEDED"
  | "UNIMPLEMENTED"
  | "INTERNAL";

/**
 * Why one field is wrong (google.rpc.BadRequest.FieldViolation.reason), so a client can react
 * without parsing the description: a missing value, a malformed one, a number out of bounds…
 */
export type FieldViolationReason =
  /** Empty or absent, and the request needs it. */
  | "REQUIRED"
  /** Not in the expected form: not an id, not an email, not a number, not a page token. */
  | "INVALID_FORMAT"
  /** A number outside its allowed range. */
  | "OUT_OF_RANGE"
  /** Text longer than its limit. */
  | "TOO_LONG"
  /** Text shorter than its minimum (a password). */
  | "TOO_SHORT"
  /** A list with more entries than allowed. */
  | "TOO_MANY"
  /** Well-formed but not an allowed value here (an unknown enum value, a field that must differ from another). */
  | "INVALID_VALUE"
  /** Names something that does not exist (an unknown product in a cart). */
  | "NOT_FOUND";

export interface FieldViolation {
  /** The field's path in the request, proto names on gRPC (`items[0].product_id`); the gateway rewrites it to JSON names. */
  field: string;
  description: string;
  reason: FieldViolationReason | (string & {});
}

/**
 * A failure the caller can act on. Domain code throws these; one mapper in libs/errors turns
 * them into a gRPC status with google.rpc.ErrorInfo (reason, domain, metadata) and BadRequest
 * details. The reason names what happened (`INSUFFICIENT_STOCK`), never the status code;
 * metadata keys are lowerCamelCase and name the entity (`productId`, `orderId`).
 */
export class DomainError extends Error {
  /** When to try again (google.rpc.RetryInfo.retry_delay), in milliseconds; set for RESOURCE_EXHAUSTED throttling. */
  retryDelayMs: number | undefined;

  constructor(
    readonly kind: ErrorKind,
    readonly reason: string,
    message: string,
    readonly fieldViolations: FieldViolation[] = [],
    readonly metadata: Record<string, string> = {},
    /** Set when the error came from another service: its ErrorInfo domain is kept. */
    readonly domain?: string,
  ) {
    super(message);
    this.name = "DomainError";
  }
}

/**
 * A short excerpt of client input for a message: a message never carries more than a few
 * dozen characters of what the client sent (ids and names can be kilobytes long).
 */
export function excerpt(text: string, max = 64): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** The ErrorInfo reason of every INVALID_ARGUMENT with field violations. */
export const INVALID_FIELDS = "INVALID_FIELDS";

/** `warehouse` → `warehouseId`, `stock level` → `stockLevelId`: the metadata key naming an entity's id. */
function idKey(what: string): string {
  const words = what.toLowerCase().split(/[\s_]+/).filter(Boolean);
  return words.map((w, i) => (i === 0 ? w : w[0]?.toUpperCase() + w.slice(1))).join("") + "Id";
}

/** "1 invalid field" / "3 invalid fields": the message names no field, so it reads the same on gRPC and REST. */
export function invalidFieldsMessage(count: number): string {
  return `the request has ${count} invalid field${count === 1 ? "" : "s"}`;
}

export const errors = {
  /**
   * INVALID_ARGUMENT with BadRequest field violations; ErrorInfo reason INVALID_FIELDS and
   * metadata `fields` (the violated paths, comma-separated).
   */
  invalidArgument: (violations: FieldViolation[], message = invalidFieldsMessage(violations.length)) =>
    new DomainError("INVALID_ARGUMENT", INVALID_FIELDS, message, violations, { fields: [...new Set(violations.map((v) => v.field))].join(",") }),
  /** `<WHAT>_NOT_FOUND` with `<what>Id` metadata, e.g. SHOP_NOT_FOUND {shopId}. */
  notFound: (what: string, id: string) =>
    new DomainError("NOT_FOUND", `${what.toUpperCase().replace(/ /g, "_")}_NOT_FOUND`, `${what} ${excerpt(id)} not found`, [], { [idKey(what)]: excerpt(id) }),
  alreadyExists: (reason: string, message: string, metadata: Record<string, string> = {}) =>
    new DomainError("ALREADY_EXISTS", reason, message, [], metadata),
  permissionDenied: (reason: string, message: string, metadata: Record<string, string> = {}) =>
    new DomainError("PERMISSION_DENIED", reason, message, [], metadata),
  unauthenticated: (reason: string, message: string) => new DomainError("UNAUTHENTICATED", reason, message),
  failedPrecondition: (reason: string, message: string, metadata: Record<string, string> = {}) =>
    new DomainError("FAILED_PRECONDITION", reason, message, [], metadata),
  aborted: (reason: string, message: string, metadata: Record<string, string> = {}) =>
    new DomainError("ABORTED", reason, message, [], metadata),
  unavailable: (reason: string, message: string, metadata: Record<string, string> = {}) =>
    new DomainError("UNAVAILABLE", reason, message, [], metadata),
  unimplemented: (method: string) =>
    new DomainError("UNIMPLEMENTED", "METHOD_NOT_IMPLEMENTED", `${method} is not implemented yet`, [], { method }),
  /**
   * RESOURCE_EXHAUSTED with google.rpc.RetryInfo: the caller is over a limit and may try again
   * after `retryDelayMs` (REST: 429 with `Retry-After`).
   */
  resourceExhausted: (reason: string, message: string, retryDelayMs: number, metadata: Record<string, string> = {}) => {
    const err = new DomainError("RESOURCE_EXHAUSTED", reason, message, [], metadata);
    err.retryDelayMs = Math.max(0, Math.ceil(retryDelayMs));
    return err;
  },
  internal: (reason: string, message: string, metadata: Record<string, string> = {}) =>
    new DomainError("INTERNAL", reason, message, [], metadata),
};
