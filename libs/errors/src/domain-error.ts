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

export interface FieldViolation {
  field: string;
  description: string;
}

/**
 * A failure the caller can act on. Domain code throws these; one mapper in libs/errors turns
 * them into a gRPC status with google.rpc.ErrorInfo (reason, domain) and BadRequest details.
 */
export class DomainError extends Error {
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

export const errors = {
  invalidArgument: (violations: FieldViolation[], message = "invalid request") =>
    new DomainError("INVALID_ARGUMENT", "INVALID_ARGUMENT", message, violations),
  notFound: (what: string, id: string) =>
    new DomainError("NOT_FOUND", `${what.toUpperCase().replace(/ /g, "_")}_NOT_FOUND`, `${what} ${id} not found`, [], { id }),
  alreadyExists: (reason: string, message: string) => new DomainError("ALREADY_EXISTS", reason, message),
  permissionDenied: (message = "the caller may not do this") =>
    new DomainError("PERMISSION_DENIED", "PERMISSION_DENIED", message),
  unauthenticated: (message = "a valid access token is required", reason = "UNAUTHENTICATED") =>
    new DomainError("UNAUTHENTICATED", reason, message),
  failedPrecondition: (reason: string, message: string, metadata: Record<string, string> = {}) =>
    new DomainError("FAILED_PRECONDITION", reason, message, [], metadata),
  aborted: (reason: string, message: string) => new DomainError("ABORTED", reason, message),
  unavailable: (reason: string, message: string) => new DomainError("UNAVAILABLE", reason, message),
  unimplemented: (what: string) => new DomainError("UNIMPLEMENTED", "UNIMPLEMENTED", `${what} is not implemented yet`),
};
