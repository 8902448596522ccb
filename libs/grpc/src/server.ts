import { Server, ServerCredentials, status as Status, type Metadata, type StatusObject, type ServerUnaryCall, type sendUnaryData, type ServiceDefinition, type UntypedServiceImplementation } from "@grpc/grpc-js";
import { HealthImplementation } from "grpc-health-check";
import { ReflectionService } from "@grpc/reflection";
import type { PackageDefinition } from "@grpc/proto-loader";
import { descriptorRegistry, serializedFileDescriptors } from "@wms/proto/descriptors";
import type { TokenVerifier } from "@wms/auth";
import { errors, toServiceError, DomainError } from "@wms/errors";
import type { Logger } from "@wms/logging";
import type { ServiceBinding, UnaryHandler } from "./binding.js";
import { CallContext } from "./context.js";
import { ServerCallTelemetry } from "./call-telemetry.js";
import { tracingEnabled } from "@wms/telemetry";
import { guardDeserializer, RefusedRequest } from "./request-guard.js";
import { registerLocalServer, type LocalMethod, type LocalServerHandle } from "./in-process.js";
import { FORWARDED_FOR, peerAddress, TrustedProxies } from "./client-address.js";

/** Wraps every call (tracing and metrics plug in here); the innermost `next` runs the handler. */
export type Middleware = (ctx: CallContext, request: unknown, next: () => Promise<unknown>) => Promise<unknown>;

export interface ServerOptions {
  name: string;
  host: string;
  port: number;
  services: ServiceBinding[];
  verifier: TokenVerifier;
  logger: Logger;
  middleware?: Middleware[];
  /** Largest request accepted, in bytes. */
  maxReceiveMessageLength?: number;
  /** Callers whose `x-forwarded-for` names the client (the gateway); none: every caller is its own client. */
  trustedProxies?: readonly string[];
}

export interface RunningServer {
  readonly port: number;
  readonly address: string;
  /** Health NOT_SERVING, then drain in-flight calls for up to graceMs, then force. */
  shutdown(graceMs?: number): Promise<void>;
}

export async function startGrpcServer(opts: ServerOptions): Promise<RunningServer> {
  const maxReceive = opts.maxReceiveMessageLength ?? 4 * 1024 * 1024;
  // Channelz (grpc-js's per-call bookkeeping for the channelz service) is off: nothing here serves it.
  const server = new Server({ "grpc.max_receive_message_length": maxReceive });
  const serving = Object.fromEntries(opts.services.map((s) => [s.name, "SERVING" as const]));
  const health = new HealthImplementation({ "": "SERVING", ...serving });
  health.addToServer(server);
  reflectionFor(opts.services.map((s) => s.name)).addToServer(server);
  const local = new Map<string, LocalMethod>();
  for (const binding of opts.services) {
    const definition = guardedDefinition(binding);
    const run = runners(binding, opts);
    server.addService(definition, adapt(run));
    for (const [path, method] of inProcessMethods(definition, run, maxReceive)) local.set(path, method);
  }
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${opts.host}:${opts.port}`, ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound))),
  );
  const address = `${opts.host}:${port}`;
  // Callers in this process reach these methods without the socket when in-process calls are on.
  const inProcess = registerLocalServer(opts.host, port, local);
  opts.logger.info({ address, services: opts.services.map((s) => s.name) }, "grpc server listening");
  let stopping: Promise<void> | undefined;
  return {
    port,
    address,
    shutdown(graceMs = 10_000) {
      stopping ??= drain(server, health, [...Object.keys(serving), ""], graceMs, inProcess);
      return stopping;
    },
  };
}

async function drain(server: Server, health: HealthImplementation, names: string[], graceMs: number, inProcess: LocalServerHandle): Promise<void> {
  for (const name of names) health.setStatus(name, "NOT_SERVING");
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      server.forceShutdown();
      inProcess.abort();
      resolve();
    }, graceMs);
    // Calls on the wire and in-process calls under way drain together; new ones of either kind are refused.
    const wire = new Promise<void>((done) => server.tryShutdown(() => done()));
    void Promise.all([wire, inProcess.close()]).then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Every port also serves the standard health service, and reflection lists it too. */
const HEALTH_SERVICE = "grpc.health.v1.Health";

/**
 * Reflection from the real descriptors of the buf image, so grpcurl resolves every import
 * (google/api/annotations.proto included) exactly as written in proto/. The image carries
 * grpc.health.v1's file as grpc-health-check ships it, so `grpcurl … grpc.health.v1.Health/Check`
 * needs no .proto file either.
 */
function reflectionFor(serviceNames: string[]): ReflectionService {
  const pkg = {
    "wms.image": { format: "Protocol Buffer 3 DescriptorProto", type: {}, fileDescriptorProtos: serializedFileDescriptors() },
  } as unknown as PackageDefinition;
  return new ReflectionService(pkg, { services: [...serviceNames, HEALTH_SERVICE] });
}

/**
 * The service definition with every request deserializer guarded: whatever the bytes, a call
 * reaches its handler with a well-formed request, or is answered INVALID_ARGUMENT (never the
 * INTERNAL grpc-js gives a throwing deserializer). One check covers every RPC of every service.
 */
function guardedDefinition(binding: ServiceBinding): ServiceDefinition {
  const methods = descriptorRegistry().getService(binding.name)?.methods ?? [];
  const guarded: Record<string, ServiceDefinition[string]> = {};
  for (const [key, method] of Object.entries(binding.definition)) {
    const input = methods.find((m) => method.path === `/${binding.name}/${m.name}`)?.input;
    guarded[key] = { ...method, requestDeserialize: guardDeserializer(input, method.requestDeserialize) };
  }
  return guarded;
}

/** Who called: an address over the network, or code in this process (the one-process mesh's gateway and services). */
type Peer = { kind: "network"; address: string | undefined } | { kind: "in-process" };

type Outcome = { ok: true; response: unknown } | { ok: false; status: Partial<StatusObject> };
type MethodRunner = (request: unknown, metadata: Metadata, deadline: Date | undefined, peer: Peer) => Promise<Outcome>;

/** What serving one method needs, worked out when the server starts rather than on each call. */
interface ServedMethod {
  /** The handler behind the middleware chain. */
  invoke: (request: unknown, ctx: CallContext) => Promise<unknown>;
  log: Logger;
  telemetry: ServerCallTelemetry;
  /** The error domain (`wms.order.v1`) of the service. */
  domain: string;
  verifier: TokenVerifier;
  proxies: TrustedProxies;
}

/** Runs one call of a method: auth, the request guard's verdict, middleware, handler, log and telemetry. */
function runners(binding: ServiceBinding, opts: ServerOptions): Map<string, MethodRunner> {
  const out = new Map<string, MethodRunner>();
  const chain = opts.middleware ?? [];
  const proxies = new TrustedProxies(opts.trustedProxies ?? []);
  const domain = binding.name.split(".").slice(0, -1).join(".");
  for (const [method, handler] of Object.entries(binding.handlers)) {
    const fullMethod = `${binding.name}/${method}`;
    // The wire name, `/wms.order.v1.OrderService/Checkout`, as traces, metrics and logs name the RPC.
    const path = binding.definition[method]?.path ?? `/${fullMethod}`;
    const served: ServedMethod = {
      invoke: chain.length === 0 ? handler : (request, ctx) => throughChain(chain, 0, ctx, request, handler),
      // One child logger per method, made once: pino's child() serializes its bindings each time.
      log: opts.logger.child({ rpc: path }),
      telemetry: new ServerCallTelemetry(opts.name, path),
      domain,
      verifier: opts.verifier,
      proxies,
    };
    out.set(method, async (request, metadata, deadline, peer) => {
      const started = performance.now();
      const answered = tracingEnabled()
        ? await served.telemetry.traced(metadata, () => serve(served, request, metadata, deadline, peer, started))
        : await serve(served, request, metadata, deadline, peer, started);
      served.telemetry.record(answered.code, started);
      return answered.outcome;
    });
  }
  return out;
}

function throughChain(chain: readonly Middleware[], i: number, ctx: CallContext, request: unknown, handler: UnaryHandler<unknown, unknown>): Promise<unknown> {
  const mw = chain[i];
  return mw ? mw(ctx, request, () => throughChain(chain, i + 1, ctx, request, handler)) : handler(request, ctx);
}

/** One call answered: the outcome and the status code it carries (for the span and the metrics). */
async function serve(m: ServedMethod, request: unknown, metadata: Metadata, deadline: Date | undefined, peer: Peer, started: number): Promise<{ outcome: Outcome; code: number }> {
  try {
    const ctx = await authenticate(metadata, deadline, m.verifier, () => clientAddressOf(metadata, peer, m.proxies));
    if (request instanceof RefusedRequest) throw request.error;
    const response = await m.invoke(request, ctx);
    m.log.info({ code: "OK", ms: elapsed(started) }, "rpc");
    return { outcome: { ok: true, response }, code: Status.OK };
  } catch (err) {
    const mapped = toServiceError(err, m.domain);
    const code = mapped.code ?? Status.UNKNOWN;
    // Logged once, where it arose: an unexpected failure here with its cause; a DomainError
    // (ours, or a peer's passed on, whose cause that peer logged) as the status it is.
    if (err instanceof DomainError) m.log.info({ code: Status[code], reason: err.reason, ms: elapsed(started) }, "rpc");
    else if (OUTAGE_CODES.has(code)) m.log.warn({ err, code: Status[code], ms: elapsed(started) }, "rpc failed");
    else m.log.error({ err, code: Status[code], ms: elapsed(started) }, "rpc failed");
    return { outcome: { ok: false, status: mapped }, code };
  }
}

// A database, Redis or peer that is down is an outage the operator sees on the dependency's own
// alerts; at error level it would bury the failures that are bugs (INTERNAL, UNKNOWN).
const OUTAGE_CODES: ReadonlySet<Status> = new Set([Status.UNAVAILABLE, Status.DEADLINE_EXCEEDED, Status.RESOURCE_EXHAUSTED]);

/** The grpc-js implementation: each call handed to its method's runner. */
function adapt(run: Map<string, MethodRunner>): UntypedServiceImplementation {
  const impl: UntypedServiceImplementation = {};
  for (const [method, runner] of run) {
    impl[method] = (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
      void runner(call.request, call.metadata, deadlineOf(call), { kind: "network", address: peerAddress(call.getPeer()) }).then((o) => (o.ok ? callback(null, o.response) : callback(o.status)));
    };
  }
  return impl;
}

/**
 * The same methods for in-process callers, from bytes to bytes through the same guarded
 * deserializer and generated serializer as the wire, with grpc-js's size limit and statuses.
 */
function inProcessMethods(definition: ServiceDefinition, run: Map<string, MethodRunner>, maxReceive: number): Map<string, LocalMethod> {
  const out = new Map<string, LocalMethod>();
  for (const [method, runner] of run) {
    const wire = definition[method];
    if (!wire) continue;
    out.set(wire.path, async (bytes, metadata, deadline) => {
      if (bytes.length > maxReceive) {
        return { ok: false, status: { code: Status.RESOURCE_EXHAUSTED, details: `Received message larger than max (${bytes.length} vs ${maxReceive})` } };
      }
      const outcome = await runner(wire.requestDeserialize(bytes), metadata, deadline, IN_PROCESS);
      if (!outcome.ok) return outcome;
      try {
        return { ok: true, bytes: wire.responseSerialize(outcome.response) };
      } catch (err) {
        return { ok: false, status: { code: Status.INTERNAL, details: `Error serializing response: ${err instanceof Error ? err.message : String(err)}` } };
      }
    });
  }
  return out;
}

const IN_PROCESS: Peer = { kind: "in-process" };

function deadlineOf(call: ServerUnaryCall<unknown, unknown>): Date | undefined {
  const deadline = call.getDeadline();
  return deadline instanceof Date ? deadline : Number.isFinite(deadline) ? new Date(deadline) : undefined;
}

/**
 * The end client's address: `x-forwarded-for` from a trusted proxy, or from code in this process
 * (the one-process mesh's own gateway); the network peer's own address otherwise.
 */
function clientAddressOf(metadata: Metadata, peer: Peer, proxies: TrustedProxies): string | undefined {
  const header = metadata.get(FORWARDED_FOR)[0];
  const forwarded = typeof header === "string" ? header : undefined;
  return peer.kind === "in-process" ? proxies.forwardedClient(forwarded) : proxies.clientAddress(peer.address, forwarded);
}

async function authenticate(metadata: Metadata, deadline: Date | undefined, verifier: TokenVerifier, clientAddress: () => string | undefined): Promise<CallContext> {
  const header = metadata.get("authorization")[0];
  let principal;
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(String(header));
    if (!match?.[1]) throw errors.unauthenticated("AUTHORIZATION_MALFORMED", "authorization must be `Bearer <token>`");
    principal = await verifier.verify(match[1]);
    if (!principal) throw errors.unauthenticated("ACCESS_TOKEN_INVALID", "the access token is invalid or expired");
  }
  return new CallContext(principal, deadline, clientAddress);
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}
