import { Metadata, status as Status, type ServiceError, type StatusObject } from "@grpc/grpc-js";

// In-process calls: when a caller and the server it calls run in the same process (the
// one-process mesh, `npm start`), the call skips HTTP/2 and the loopback socket but keeps
// everything else the wire does. The request is still serialized by the caller and decoded
// by the server's guarded deserializer (so validation, unknown fields and 64-bit checks are
// the wire's, and no object is shared between caller and callee), the server runs the same
// authentication, middleware, telemetry and logging, and a failure reaches the caller as the
// same ServiceError (code, details, trailers with the rich status) grpc-js would build.
// Off unless switched on: a process whose peers are other processes keeps real gRPC anyway,
// since only a server listening in this process can answer in-process.

/** grpc-js's default limit on a message a client receives. */
const CLIENT_MAX_RECEIVE = 4 * 1024 * 1024;

let enabled = false;
let made = 0;

/** Turns in-process calls on or off for this process (the one-process mesh turns them on). */
export function setInProcessCalls(on: boolean): void {
  enabled = on;
}

export function inProcessCallsEnabled(): boolean {
  return enabled;
}

/** Calls answered in-process so far in this process (tests tell the two ways apart by it). */
export function inProcessCallCount(): number {
  return made;
}

/** What a server answers a call with: a response, or the status it would send. */
export type CallOutcome = { ok: true; bytes: Buffer } | { ok: false; status: Partial<StatusObject> };

/** One served method: bytes and metadata in, the serialized response or a status out. */
export type LocalMethod = (requestBytes: Buffer, metadata: Metadata, deadline: Date) => Promise<CallOutcome>;

interface LocalServer {
  host: string;
  port: number;
  methods: Map<string, LocalMethod>;
  inFlight: Set<Promise<unknown>>;
  /** Fails the callers of calls under way, as a forced shutdown of the wire does. */
  aborters: Set<() => void>;
  /** Set when the server starts draining: new calls go to the wire (which refuses them). */
  closed: boolean;
}

const servers = new Set<LocalServer>();

export interface LocalServerHandle {
  /** No new in-process calls (they go to the wire); resolves once those under way have answered. */
  close(): Promise<void>;
  /** Those still under way fail UNAVAILABLE at once, as when the wire's connections are cut. */
  abort(): void;
}

/** Registers a listening server's methods for in-process callers. */
export function registerLocalServer(host: string, port: number, methods: Map<string, LocalMethod>): LocalServerHandle {
  const server: LocalServer = { host, port, methods, inFlight: new Set(), aborters: new Set(), closed: false };
  servers.add(server);
  return {
    async close() {
      server.closed = true;
      servers.delete(server);
      await Promise.allSettled([...server.inFlight]);
    },
    abort() {
      for (const abort of server.aborters) abort();
    },
  };
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[?::1\]?)$/i;
const WILDCARD = /^(0\.0\.0\.0|\[?::\]?|)$/;

/**
 * The in-process server a target names, if calls are on and one listens here: `host:port`
 * only (a list of replicas or a dns:/// name is balanced over processes, so it stays on the
 * wire). A loopback target matches a server on that port bound to loopback or every address.
 */
function localServerFor(target: string, path: string): LocalServer | undefined {
  if (!enabled || servers.size === 0) return undefined;
  const colon = target.lastIndexOf(":");
  if (colon <= 0 || target.includes(",") || target.includes("/")) return undefined;
  const host = target.slice(0, colon);
  const port = Number(target.slice(colon + 1));
  for (const server of servers) {
    if (server.port !== port || server.closed || !server.methods.has(path)) continue;
    if (server.host === host || (LOOPBACK.test(host) && (LOOPBACK.test(server.host) || WILDCARD.test(server.host)))) return server;
  }
  return undefined;
}

/** A ServiceError as grpc-js's callErrorFromStatus builds it. */
export function callError(status: Partial<StatusObject>): ServiceError {
  const code = status.code ?? Status.UNKNOWN;
  const message = `${code} ${Status[code]}: ${status.details ?? ""}`;
  return Object.assign(new Error(message), { code, details: status.details ?? "", metadata: status.metadata ?? new Metadata() });
}

/**
 * Makes the call in-process when `target` is served here, else returns undefined (the caller
 * goes to the wire). Rejects with a ServiceError exactly where grpc-js would: serialization,
 * the deadline (the server's work goes on, as on the wire, but its answer is dropped), the
 * server's status, a response over the client's size limit or one that does not parse.
 */
export function callInProcess<Req, Res>(
  target: string,
  path: string,
  serialize: (value: Req) => Buffer,
  deserialize: (bytes: Buffer) => Res,
  request: Req,
  metadata: Metadata,
  deadline: Date,
): Promise<Res> | undefined {
  const server = localServerFor(target, path);
  const method = server?.methods.get(path);
  if (!server || !method) return undefined;
  let bytes: Buffer;
  try {
    bytes = serialize(request);
  } catch (err) {
    return Promise.reject(callError({ code: Status.INTERNAL, details: `Request message serialization failure: ${messageOf(err)}` }));
  }
  const remaining = deadline.getTime() - Date.now();
  if (remaining <= 0) return Promise.reject(callError({ code: Status.DEADLINE_EXCEEDED, details: "Deadline exceeded" }));
  // The server sees its own copy of the metadata, as it would after the wire.
  made += 1;
  const served = method(bytes, metadata.clone(), deadline);
  server.inFlight.add(served);
  return new Promise<Res>((resolve, reject) => new PendingCall(server, served, remaining, deserialize, resolve, reject));
}

/**
 * One in-process call waiting for its answer: the first of the server's outcome, the deadline
 * and a forced shutdown settles it. One object per call rather than a closure for each of them.
 */
class PendingCall<Res> {
  private readonly timer: NodeJS.Timeout;
  private readonly abort = (): void => this.fail(callError({ code: Status.UNAVAILABLE, details: "Server shutdown" }));

  constructor(
    private readonly server: LocalServer,
    private readonly served: Promise<CallOutcome>,
    remaining: number,
    private readonly deserialize: (bytes: Buffer) => Res,
    private readonly resolve: (response: Res) => void,
    private readonly reject: (err: ServiceError) => void,
  ) {
    this.timer = setTimeout(() => this.reject(callError({ code: Status.DEADLINE_EXCEEDED, details: `Deadline exceeded after ${(remaining / 1000).toFixed(3)}s` })), remaining);
    server.aborters.add(this.abort);
    served.then(
      (outcome) => this.answer(outcome),
      (err: unknown) => {
        server.inFlight.delete(served);
        this.fail(callError({ code: Status.INTERNAL, details: messageOf(err) }));
      },
    );
  }

  private answer(outcome: CallOutcome): void {
    this.server.inFlight.delete(this.served);
    this.settled();
    if (!outcome.ok) return this.reject(callError(outcome.status));
    if (outcome.bytes.length > CLIENT_MAX_RECEIVE) {
      return this.reject(callError({ code: Status.RESOURCE_EXHAUSTED, details: `Received message larger than max (${outcome.bytes.length} vs ${CLIENT_MAX_RECEIVE})` }));
    }
    try {
      this.resolve(this.deserialize(outcome.bytes));
    } catch (err) {
      this.reject(callError({ code: Status.INTERNAL, details: `Response message parsing error: ${messageOf(err)}` }));
    }
  }

  private fail(err: ServiceError): void {
    this.settled();
    this.reject(err);
  }

  /** Answered, or the server is gone: no deadline to wait for, nothing to abort. */
  private settled(): void {
    clearTimeout(this.timer);
    this.server.aborters.delete(this.abort);
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
