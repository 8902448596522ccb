export { DomainError, type ErrorKind, type FieldViolation, errors } from "./domain-error.js";
export { Validator } from "./validator.js";
export { toServiceError, fromServiceError, decodeStatusDetails, type StatusDetails } from "./grpc-status.js";
