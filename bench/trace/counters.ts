/**
 * Pure decoders for what the checkout tracer sees on the wire: PostgreSQL frontend messages and
 * Redis RESP commands. Kept free of I/O so they are unit-tested.
 */

/** A PostgreSQL frontend message as the tracer records it. */
export type PgMessage =
  | { type: "startup"; params: Record<string, string> }
  | { type: "parse"; statement: string; sql: string }
  | { type: "bind"; statement: string }
  | { type: "query"; sql: string }
  | { type: "execute" | "sync" | "describe" | "flush" | "close" | "terminate" | "other"; code: string };

const NAMES: Record<string, PgMessage["type"]> = { E: "execute", S: "sync", D: "describe", H: "flush", C: "close", X: "terminate" };

function cstring(buf: Buffer, at: number): [string, number] {
  const end = buf.indexOf(0, at);
  const stop = end < 0 ? buf.length : end;
  return [buf.toString("utf8", at, stop), stop + 1];
}

/**
 * Splits one socket write into frontend messages. A write holding a startup message (no type
 * byte, protocol 3.0) yields its parameters (application_name names the service).
 */
export function decodePgFrontend(buf: Buffer): PgMessage[] {
  const out: PgMessage[] = [];
  if (buf.length >= 8 && buf.readInt32BE(4) === 196608) {
    const params: Record<string, string> = {};
    let at = 8;
    const end = Math.min(buf.length, buf.readInt32BE(0));
    while (at < end - 1) {
      const [key, next] = cstring(buf, at);
      if (key === "") break;
      const [value, after] = cstring(buf, next);
      params[key] = value;
      at = after;
    }
    return [{ type: "startup", params }];
  }
  let at = 0;
  while (at + 5 <= buf.length) {
    const code = String.fromCharCode(buf[at]!);
    const length = buf.readInt32BE(at + 1);
    const body = buf.subarray(at + 5, at + 1 + length);
    if (code === "P") {
      const [statement, next] = cstring(body, 0);
      out.push({ type: "parse", statement, sql: cstring(body, next)[0] });
    } else if (code === "B") {
      const [, next] = cstring(body, 0); // portal
      out.push({ type: "bind", statement: cstring(body, next)[0] });
    } else if (code === "Q") {
      out.push({ type: "query", sql: cstring(body, 0)[0] });
    } else {
      out.push({ type: NAMES[code] ?? "other", code } as PgMessage);
    }
    if (length < 4) break;
    at += 1 + length;
  }
  return out;
}

/** The command names of every RESP array (`*N\r\n$len\r\nNAME\r\n…`) in one write to Redis. */
export function decodeRespCommands(text: string): string[] {
  const out: string[] = [];
  const re = /(?:^|\r\n)\*\d+\r\n\$\d+\r\n([^\r]+)\r\n/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push(m[1]!.toUpperCase());
  return out;
}

/** An SQL text shortened for a one-line listing. */
export function shortSql(sql: string, width = 140): string {
  const flat = sql.replace(/\s+/g, " ").trim();
  return flat.length > width ? `${flat.slice(0, width - 1)}…` : flat;
}
