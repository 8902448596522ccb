export {
  DomainError,
  type ErrorKind,
  type FieldViolation,
  type FieldViolationReason,
  errors,
  INVALID_FIELDS,
  invalidFieldsMessage,
  excerpt,
} from "./domain-error.js";
export { Validator } from "./validator.js";
export { toServiceError, fromServiceError, decodeStatusDetails, UNEXPECTED_ERROR, type StatusDetails } from "./grpc-status.js";
export { requestViolations, MAX_SAFE_INT64, MAX_TEXT_LENGTH, type FieldNaming } from "./request-violations.js";
export { transportFailure, transportError, type TransportFailure } from "./transport-failure.js";
