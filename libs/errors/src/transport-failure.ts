import { DomainError } from "./domain-error.js";

// Socket errors: the database (or any peer reached outside gRPC) is not there right now.
const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ECONNABORTED", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"]);
// What the `postgres` driver reports for a connection it lost or could not open in time.
const DRIVER_CODES = new Set(["CONNECTION_CLOSED", "CONNECTION_ENDED", "CONNECTION_DESTROYED", "CONNECT_TIMEOUT"]);
// SQLSTATEs meaning "the server cannot serve you now": admin/crash shutdown, starting up,
// too many connections, out of resources. Class 08 is every connection exception.
const UNAVAILABLE_SQLSTATES = new Set(["57P01", "57P02", "57P03", "57P05", "53000", "53100", "53200", "53300", "58000", "58030"]);
// Cancelled by statement_timeout or lock_timeout: the database is too slow for the call.
const TIMEOUT_SQLSTATES = new Set(["57014", "55P03"]);

// What node-postgres (pg, pg-pool) throws, without a code, for a connection lost, never
// opened in time, or a query the server never answered.
const DRIVER_MESSAGES = [
  /^Connection terminated( unexpectedly| due to connection timeout)?$/,
  /^Client has encountered a connection error and is not queryable$/,
  /^Client was closed and is not queryable$/,
  /^timeout exceeded when trying to connect$/,
  /^timeout expired$/,
];
const DRIVER_TIMEOUT_MESSAGES = [/^Query read timeout$/];

export type TransportFailure = "unavailable" | "timeout";

/**
 * Whether `err` (looking through wrappers' `cause`) is the database or the network failing
 * rather than the request: such failures are UNAVAILABLE, worth a retry, never INTERNAL.
 */
export function transportFailure(err: unknown): TransportFailure | undefined {
  let current: unknown = err;
  for (let depth = 0; current && typeof current === "object" && depth < 6; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") {
      if (SOCKET_CODES.has(code) || DRIVER_CODES.has(code)) return "unavailable";
      if (/^08[0-9A-Z]{3}$/.test(code) || UNAVAILABLE_SQLSTATES.has(code)) return "unavailable";
      if (TIMEOUT_SQLSTATES.has(code)) return "timeout";
    }
    const message = (current as { message?: unknown }).message;
    if (typeof message === "string") {
      if (DRIVER_MESSAGES.some((m) => m.test(message))) return "unavailable";
      if (DRIVER_TIMEOUT_MESSAGES.some((m) => m.test(message))) return "timeout";
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The DomainError a transport failure answers with, or undefined for anything else. */
export function transportError(err: unknown): DomainError | undefined {
  switch (transportFailure(err)) {
    case "unavailable":
      return new DomainError("UNAVAILABLE", "DATABASE_UNAVAILABLE", "the database is unavailable; try again shortly");
    case "timeout":
      return new DomainError("UNAVAILABLE", "DATABASE_TIMEOUT", "the database did not answer in time; try again shortly");
    default:
      return undefined;
  }
}
