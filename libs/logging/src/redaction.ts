/** Fields censored wherever they appear at the top of a line or one level down. */
const SECRET_KEYS = [
  "password",
  "token",
  "accessToken",
  "access_token",
  "refreshToken",
  "refresh_token",
  "bearerToken",
  "authorization",
  "privateKey",
  "paymentReference",
  "payment_reference",
];

/** Censored at the top of a line by pino's redaction: one stringifier per key, run only when the key is there. */
export const REDACTED_PATHS = [...SECRET_KEYS];

export const CENSOR = "[redacted]";

const SECRET = new Set(SECRET_KEYS);

/**
 * The line's fields with secret fields one level down censored (`request.token`). Done here and
 * not with pino's `*.token` paths: a wildcard path runs pino's redactor on every value of every
 * line, a dozen microseconds a line, where this looks at the keys of object values only. The
 * caller's objects are never changed: an object holding a secret is copied. Errors are left to
 * their serializer, which keeps only fields known to be safe.
 */
export function censorNested(fields: Record<string, unknown>): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const key in fields) {
    const value = fields[key];
    if (value === null || typeof value !== "object" || Array.isArray(value) || value instanceof Error) continue;
    const censored = censorKeys(value as Record<string, unknown>);
    if (censored !== value) (out ??= { ...fields })[key] = censored;
  }
  return out ?? fields;
}

function censorKeys(value: Record<string, unknown>): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const key in value) {
    if (SECRET.has(key) && Object.prototype.hasOwnProperty.call(value, key)) (out ??= { ...value })[key] = CENSOR;
  }
  return out ?? value;
}

/**
 * Database error fields that name the failure without quoting data (`detail` and `where` quote
 * the row): postgres.js names them `constraint_name`…, pg `constraint`, `table`, `column`.
 */
const SAFE_ERROR_FIELDS = ["code", "kind", "reason", "severity", "constraint_name", "table_name", "column_name", "schema_name", "constraint", "table", "column", "schema", "routine"];

const MAX_CAUSES = 5;

export interface SerializeOptions {
  /** Include the stack (source paths, line numbers): only when the logger writes debug lines. */
  stack?: boolean;
}

/**
 * An error as logged: type, message, known-safe fields and (at debug level only) the stack,
 * then its cause, and so on. Nothing else is copied: drivers and drizzle hang the query and its
 * parameters on their errors, and drizzle's DrizzleQueryError (named plain "Error") quotes both
 * in its message, so such a message is replaced. A PostgreSQL error's own message can quote a
 * value too (`invalid input syntax for type uuid: "…"`), so it is replaced by its SQLSTATE; the
 * code and the constraint, table and column names say what failed.
 */
export function serializeError(err: unknown, options: SerializeOptions = {}, depth = 0): unknown {
  if (!(err instanceof Error)) return err;
  const type = err.name === "Error" ? err.constructor.name : err.name;
  const message = quotesQuery(err) ? "database query failed" : isDatabaseError(err) ? `database error ${err.code}` : err.message;
  const out: Record<string, unknown> = { type, message };
  if (options.stack) out.stack = stackFrames(type, err, message);
  const fields = err as unknown as Record<string, unknown>;
  for (const key of SAFE_ERROR_FIELDS) {
    const value = fields[key];
    if (typeof value === "string" || typeof value === "number") out[key] = value;
  }
  if (err.cause !== undefined && depth < MAX_CAUSES) out.cause = serializeError(err.cause, options, depth + 1);
  return out;
}

/** drizzle's wrapper; the driver's own errors (which carry the query as hidden fields) keep their message. */
function quotesQuery(err: Error): boolean {
  return err.message.startsWith("Failed query:") || "params" in err;
}

/** A server-reported PostgreSQL error (pg's DatabaseError, PGlite's): a SQLSTATE and a severity. */
function isDatabaseError(err: Error): err is Error & { code: string } {
  const fields = err as Error & { code?: unknown; severity?: unknown };
  return typeof fields.code === "string" && /^[0-9A-Z]{5}$/.test(fields.code) && typeof fields.severity === "string";
}

/** The stack with its first line rebuilt from the safe message (V8 repeats the raw message there). */
function stackFrames(type: string, err: Error, message: string): string | undefined {
  if (!err.stack) return undefined;
  const frames = err.stack.split("\n").filter((line) => line.startsWith("    at "));
  return [`${type}: ${message}`, ...frames].join("\n");
}
