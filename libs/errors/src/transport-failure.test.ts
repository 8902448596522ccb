import { describe, expect, it } from "vitest";
import { status as Status } from "@grpc/grpc-js";
import { toServiceError } from "./grpc-status.js";
import { transportFailure } from "./transport-failure.js";

const wrapped = (cause: unknown) => Object.assign(new Error('Failed query: select "secret" from users where email = $1\nparams: a@b.c'), { cause });
const coded = (code: string, message = "x") => Object.assign(new Error(message), { code });

describe("transport failures", () => {
  it.each([
    ["ECONNREFUSED", coded("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:5432")],
    ["57P01 admin shutdown", coded("57P01", "terminating connection due to administrator command")],
    ["57P03 cannot connect now", coded("57P03", "the database system is starting up")],
    ["08006 connection failure", coded("08006")],
    ["08001 cannot establish", coded("08001")],
    ["53300 too many connections", coded("53300")],
    ["CONNECTION_CLOSED (postgres.js)", coded("CONNECTION_CLOSED")],
    ["CONNECT_TIMEOUT (postgres.js)", coded("CONNECT_TIMEOUT")],
    ["pg: terminated unexpectedly", new Error("Connection terminated unexpectedly")],
    ["pg: not queryable", new Error("Client has encountered a connection error and is not queryable")],
    ["pg-pool: acquire timeout", new Error("timeout exceeded when trying to connect")],
  ])("%s, wrapped by drizzle, is UNAVAILABLE without the query in the message", (_name, cause) => {
    expect(transportFailure(wrapped(cause))).toBe("unavailable");
    const mapped = toServiceError(wrapped(cause), "wms.user.v1");
    expect(mapped.code).toBe(Status.UNAVAILABLE);
    expect(mapped.details).not.toMatch(/select|secret|a@b\.c|5432/);
  });

  it.each([
    ["57014 statement timeout", coded("57014", "canceling statement due to statement timeout")],
    ["55P03 lock timeout", coded("55P03")],
    ["pg: query read timeout", new Error("Query read timeout")],
  ])("%s is UNAVAILABLE (DATABASE_TIMEOUT)", (_name, cause) => {
    expect(transportFailure(wrapped(cause))).toBe("timeout");
    expect(toServiceError(wrapped(cause), "wms.user.v1").code).toBe(Status.UNAVAILABLE);
  });

  it.each([
    ["a unique violation", coded("23505")],
    ["a syntax error", coded("42601")],
    ["a bug", new TypeError("x is undefined")],
  ])("%s stays INTERNAL", (_name, cause) => {
    expect(transportFailure(wrapped(cause))).toBeUndefined();
    expect(toServiceError(wrapped(cause), "wms.user.v1").code).toBe(Status.INTERNAL);
  });
});
