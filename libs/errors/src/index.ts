export {
  DomainError,
  type ErrorKind,
  type FieldViolation,
  type FieldViolationReason,
  errors,
  INVALID_FIELDS,
  invalidFieldsMessage,
} from "./domain-error.js";
export { Validator } from "./validator.js";
export { toServiceError, fromServiceError, decodeStatusDetails, UNEXPECTED_ERROR, type StatusDetails } from "./grpc-status.js";
