import { SpanKind, type Attributes } from "@opentelemetry/api";
import { connectionPoolGauge, inChildSpan, insideTrace } from "@wms/telemetry";
import type { Logger } from "@wms/logging";
import { pgErrorCode } from "./errors.js";
import { statementName } from "./prepared.js";

/** What a query's span and the pool gauge need to know about the database behind a client. */
export interface QueryScope {
  service: string;
  /** Attributes shared by every statement's span: db.system, db.namespace, server.address… */
  attributes: Attributes;
  /** Counts busy connections; absent for the embedded database (no pool). */
  pool?: ReturnType<typeof connectionPoolGauge>;
  /** Where a failed statement is reported (by name and code only); none: not reported. */
  logger?: Logger;
}

/** Attributes of a PostgreSQL URL, without its credentials. */
export function postgresAttributes(url: string): Attributes {
  const u = new URL(url);
  return {
    "db.system": "postgresql",
    "db.system.name": "postgresql",
    "db.namespace": decodeURIComponent(u.pathname.replace(/^\//, "")),
    "server.address": u.hostname,
    "server.port": Number(u.port || 5432),
  };
}

/**
 * For the pg pool (FailFastPool's `observeQuery`): every statement a pooled client runs is a
 * child span of the current request, with the parameterized SQL text and never its values, and
 * the pool gauge counts each statement or transaction holding a connection.
 */
export function instrumentPgPool(scope: QueryScope): (text: string, inTransaction: boolean, run: () => Promise<unknown>) => Promise<unknown> {
  return (text, inTransaction, run) => observe(run, text, scope, inTransaction ? undefined : scope.pool?.begin());
}

/** The embedded database: statements through `query`, transactions through `transaction`. */
export function instrumentPglite<C extends object>(client: C, scope: QueryScope): C {
  return new Proxy(client, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== "function") return value;
      if (prop === "query") {
        return (text: string, ...rest: unknown[]) => observe(() => value.call(target, text, ...rest) as Promise<unknown>, text, scope, undefined);
      }
      if (prop === "transaction") {
        return (body: (tx: object) => unknown) => value.call(target, (tx: object) => body(instrumentPglite(tx, scope)));
      }
      return value.bind(target);
    },
  });
}

async function observe<T>(run: () => PromiseLike<T>, text: string, scope: QueryScope, release: (() => void) | undefined): Promise<T> {
  try {
    if (!insideTrace()) return await run();
    const { operation, collection } = describe(text);
    const name = collection ? `${operation} ${collection}` : operation;
    const attributes: Attributes = { ...scope.attributes, "db.operation.name": operation, "db.query.text": text };
    if (collection) attributes["db.collection.name"] = collection;
    return await inChildSpan(scope.service, name, SpanKind.CLIENT, attributes, run);
  } catch (err) {
    if (scope.logger) logFailedStatement(scope.logger, text, err);
    throw err;
  } finally {
    release?.();
  }
}

/**
 * Constraint violations are usually answers the caller expects (EMAIL_TAKEN from a unique
 * key) and retried conflicts are handled below the caller: debug. Anything else is a warning.
 */
const EXPECTED = /^(23|40)/;

/**
 * A failed statement, named as the pool prepares it (`wms_<hash of the text>`, the name
 * pg_stat_statements and the server's log show for it) with its SQLSTATE, verb and table.
 * Neither the text nor its parameters are written: the values are logins, idempotency keys and
 * payment references, and the error's own message can quote them. The caller still maps and
 * logs the failure as its RPC's outcome.
 */
function logFailedStatement(logger: Logger, text: string, err: unknown): void {
  const { operation, collection } = describe(text);
  const code = pgErrorCode(err) ?? networkCode(err) ?? "unknown";
  const fields = { statement: statementName(text), code, operation, table: collection };
  if (EXPECTED.test(code)) logger.debug(fields, "query failed");
  else logger.warn(fields, "query failed");
}

/** ECONNREFUSED, ETIMEDOUT…: the code of a failure below the database's own. */
function networkCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === "string" && /^E[A-Z]+$/.test(code) ? code : undefined;
}

const described = new Map<string, { operation: string; collection: string | undefined }>();

/** The statement's verb and main table, for the span name (cached: drizzle repeats its statements). */
function describe(text: string): { operation: string; collection: string | undefined } {
  let found = described.get(text);
  if (!found) {
    const operation = (/^\s*(\w+)/.exec(text)?.[1] ?? "query").toUpperCase();
    const table = /\b(?:from|into|update)\s+((?:"[^"]+"|\w+)(?:\.(?:"[^"]+"|\w+))?)/i.exec(text)?.[1];
    found = { operation, collection: table?.replace(/"/g, "") };
    if (described.size > 1000) described.clear();
    described.set(text, found);
  }
  return found;
}
