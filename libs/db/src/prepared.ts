import { createHash } from "node:crypto";
import pg from "pg";

/** Wraps one statement's execution (tracing, the pool gauge); `inTransaction` when on a checked-out connection. */
export type QueryObserver = (text: string, inTransaction: boolean, run: () => Promise<unknown>) => Promise<unknown>;

/**
 * A pg client whose parameterized statements run as named prepared statements, cached per
 * connection: a statement seen before on the connection is Bind + Execute, with no parse and
 * no plan on the server. drizzle names a statement only when built with `.prepare(name)`; the
 * texts it builds are fixed per query shape (values are always parameters), so naming each by
 * a hash of its text keeps the cache to one entry per shape (and per length of an IN list).
 * Statements without parameters (BEGIN, COMMIT, SAVEPOINT) stay on the simple protocol.
 * Every statement also passes through `observer`, when there is one.
 */
export class PreparingClient extends pg.Client {
  observer: QueryObserver | undefined;
  /** Set while the pool has handed this connection out for a transaction. */
  checkedOut = false;

  override query(...args: unknown[]): never {
    const [first, values] = args;
    let text: string | undefined;
    if (first && typeof first === "object" && typeof (first as { text?: unknown }).text === "string") {
      const config = first as pg.QueryConfig;
      text = config.text;
      const params = config.values ?? (Array.isArray(values) ? values : undefined);
      if (!config.name && params && params.length > 0) args[0] = { ...config, name: statementName(config.text) };
    } else if (typeof first === "string") {
      text = first;
      if (Array.isArray(values) && values.length > 0) args[0] = { text: first, name: statementName(first) };
    }
    const run = (super.query as (...a: unknown[]) => never).bind(this);
    const observer = this.observer;
    if (!observer || text === undefined) return run(...args);
    const callback = typeof args.at(-1) === "function" ? (args.pop() as (err: unknown, res?: unknown) => void) : undefined;
    const observed = observer(text, this.checkedOut, () => run(...args) as Promise<unknown>);
    if (!callback) return observed as never;
    observed.then((res) => callback(null, res), (err: unknown) => callback(err));
    return undefined as never;
  }
}

// Names of the texts seen, so the hot statements are not hashed again on every call; the
// texts are per query shape, so the map stays small (cleared past a bound, like a new process).
const names = new Map<string, string>();

export function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `wms_${createHash("sha1").update(text).digest("base64url")}`;
    if (names.size >= 5_000) names.clear();
    names.set(text, name);
  }
  return name;
}
