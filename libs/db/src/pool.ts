import pg from "pg";
import { PreparingClient, type QueryObserver } from "./prepared.js";

export interface FailFastOptions {
  poolSize?: number;
  /** Give up opening a connection after this long (a server that does not answer). */
  connectTimeoutMs?: number;
  /** Give up waiting for a free pooled connection after this long (every connection busy). */
  acquireTimeoutMs?: number;
  /** The server cancels any statement running longer (SQLSTATE 57014); the client gives up a second later. */
  statementTimeoutMs?: number;
  /** Idle pooled connections are closed after this long. */
  idleTimeoutMs?: number;
  applicationName?: string;
  /** Sees every statement (tracing spans, the pool gauge). */
  observeQuery?: QueryObserver;
  /** Called when a connection is handed out for a transaction; what it returns, when it comes back. */
  observeCheckout?: () => () => void;
}

/**
 * Pool options that make an outage fail within seconds instead of hanging: connecting and
 * waiting for a pooled connection are bounded, every statement is bounded on the server
 * (statement_timeout, lock_timeout) and on the client (query_timeout, for a server gone
 * without closing the socket), TCP keepalive finds dead peers, and a transaction left idle is
 * ended by the server. The resulting errors map to UNAVAILABLE (libs/errors transportFailure).
 */
export function failFastPoolConfig(url: string, opts: FailFastOptions = {}): pg.PoolConfig {
  const statementTimeoutMs = opts.statementTimeoutMs ?? 10_000;
  const connectTimeoutMs = opts.connectTimeoutMs ?? 2_000;
  return {
    connectionString: url,
    max: opts.poolSize ?? 10,
    // pg-pool uses this one value for both waits: the pool's, bounding the queue for a free
    // connection, and each new client's, bounding its connect (the client class below
    // narrows that one to connectTimeoutMs).
    connectionTimeoutMillis: Math.max(opts.acquireTimeoutMs ?? 10_000, connectTimeoutMs),
    Client: class extends PreparingClient {
      constructor(config?: pg.ClientConfig) {
        super({ ...config, connectionTimeoutMillis: connectTimeoutMs });
        this.observer = opts.observeQuery;
      }
    },
    idleTimeoutMillis: opts.idleTimeoutMs ?? 60_000,
    statement_timeout: statementTimeoutMs,
    lock_timeout: statementTimeoutMs,
    query_timeout: statementTimeoutMs + 1_000,
    idle_in_transaction_session_timeout: Math.max(statementTimeoutMs * 2, 10_000),
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    application_name: opts.applicationName,
  };
}

const BEGIN = /^\s*begin\b/i;

/**
 * A pg pool that survives the database going away under checked-out connections:
 * - a connection the server drops emits `error`; the pool listens only on idle ones, and an
 *   unhandled `error` would crash the process. Every connection gets a listener, and one that
 *   breaks while checked out goes straight back to the pool, which discards it;
 * - drizzle's transaction() releases its connection only once BEGIN succeeded, so a BEGIN that
 *   fails (the server just restarted) would leak it and, a few outages later, drain the pool.
 *   A failed BEGIN gives the connection back as broken.
 * Release is made idempotent, so drizzle's own later release is harmless.
 */
export class FailFastPool extends pg.Pool {
  constructor(
    url: string,
    private readonly opts: FailFastOptions = {},
  ) {
    super(failFastPoolConfig(url, opts));
    this.on("error", () => undefined);
    this.on("connect", (client) => client.on("error", () => undefined));
  }

  override connect(): Promise<pg.PoolClient>;
  override connect(callback: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void): void;
  override connect(callback?: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void): Promise<pg.PoolClient> | void {
    // The callback form is pool.query()'s own, which always releases: left as it is.
    if (callback) return super.connect(callback);
    return super.connect().then((client) => guard(client, this.opts.observeCheckout?.()));
  }
}

/**
 * What the query wrapper of a pooled connection reports a failed BEGIN to: the checkout holding
 * the connection now. The wrapper is installed once per connection; each checkout only swaps
 * this slot (wrapping again on every checkout would nest one more wrapper per transaction the
 * connection ever ran, and every statement would walk all of them).
 */
const beginFailed = new WeakMap<pg.PoolClient, { current: ((err: Error) => void) | undefined }>();

function guard(client: pg.PoolClient, checkedIn?: () => void): pg.PoolClient {
  let slot = beginFailed.get(client);
  if (!slot) {
    const installed: { current: ((err: Error) => void) | undefined } = { current: undefined };
    slot = installed;
    beginFailed.set(client, installed);
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as { query: unknown }).query = (...args: unknown[]) => {
      const result = query(...args);
      const onFailure = installed.current;
      if (onFailure && result instanceof Promise) {
        const first = args[0];
        const text = typeof first === "string" ? first : (first as { text?: unknown } | undefined)?.text;
        if (typeof text === "string" && BEGIN.test(text)) result.catch(onFailure);
      }
      return result;
    };
  }
  const release = client.release.bind(client);
  let released = false;
  if (client instanceof PreparingClient) client.checkedOut = true;
  const onBroken = (err: Error) => setImmediate(() => releaseOnce(err));
  const releaseOnce = (err?: Error | boolean) => {
    if (released) return;
    released = true;
    if (client instanceof PreparingClient) client.checkedOut = false;
    if (current.current === onBeginFailed) current.current = undefined;
    checkedIn?.();
    client.removeListener("error", onBroken);
    release(err);
  };
  const current = slot;
  const onBeginFailed = (err: Error) => releaseOnce(err);
  current.current = onBeginFailed;
  client.release = releaseOnce;
  client.on("error", onBroken);
  return client;
}
