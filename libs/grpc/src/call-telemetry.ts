import { context, propagation, trace, SpanKind, type Span, type TextMapGetter, type TextMapSetter } from "@opentelemetry/api";
import { status as Status, type Metadata } from "@grpc/grpc-js";
import { insideTrace, markFailed, rpcClientRecorder, rpcServerRecorder, tracerFor, tracingEnabled, type RpcDurationRecorder } from "@wms/telemetry";

// W3C trace context (traceparent, tracestate) travels in the call's metadata. Explicit
// propagation rather than @opentelemetry/instrumentation-grpc: under ESM that instrumentation
// patches grpc-js only when a loader hook runs before any import of it, and it reports every
// span through one global provider, while the one-process mesh needs each service's own.
const metadataGetter: TextMapGetter<Metadata> = {
  keys: (md) => Object.keys(md.getMap()),
  get: (md, key) => {
    const values = md.get(key);
    return values.length === 0 ? undefined : values.map(String);
  },
};
const metadataSetter: TextMapSetter<Metadata> = { set: (md, key, value) => md.set(key, value) };

/** Codes that are the server's fault (OpenTelemetry's gRPC conventions); the rest are the caller's. */
const serverFaults = new Set<number>([Status.UNKNOWN, Status.DEADLINE_EXCEEDED, Status.UNIMPLEMENTED, Status.INTERNAL, Status.UNAVAILABLE, Status.DATA_LOSS]);

/** `/wms.order.v1.OrderService/Checkout` → `wms.order.v1.OrderService` and `Checkout`. */
function splitPath(path: string): { rpcService: string; rpcMethod: string } {
  const slash = path.lastIndexOf("/");
  return { rpcService: path.slice(1, slash), rpcMethod: path.slice(slash + 1) };
}

function rpcAttributes(rpcService: string, rpcMethod: string) {
  return { "rpc.system": "grpc", "rpc.service": rpcService, "rpc.method": rpcMethod };
}

/** `host:port` as server.address and server.port. */
function serverAttributes(target: string) {
  const colon = target.lastIndexOf(":");
  const port = Number(target.slice(colon + 1));
  return colon > 0 && Number.isInteger(port) ? { "server.address": target.slice(0, colon), "server.port": port } : { "server.address": target };
}

/** What the telemetry of one method needs per call, worked out once per method. */
interface MethodNames {
  spanName: string;
  attributes: ReturnType<typeof rpcAttributes>;
}

function methodNames(path: string): MethodNames & { rpcService: string; rpcMethod: string } {
  const { rpcService, rpcMethod } = splitPath(path);
  return { rpcService, rpcMethod, spanName: `${rpcService}/${rpcMethod}`, attributes: rpcAttributes(rpcService, rpcMethod) };
}

/** The telemetry of one served method, made when the server starts. */
export class ServerCallTelemetry {
  private readonly names: MethodNames;
  private readonly recorder: RpcDurationRecorder;

  constructor(
    private readonly service: string,
    path: string,
  ) {
    const names = methodNames(path);
    this.names = names;
    this.recorder = rpcServerRecorder(service, names.rpcService, names.rpcMethod);
  }

  /** The duration of a call that arrived at `started` (performance.now()), by its status code. */
  record(code: number, started: number): void {
    this.recorder(code, (performance.now() - started) / 1000);
  }

  /**
   * Runs `serve` inside a SERVER span continuing the caller's trace (so its logs, queries and
   * outgoing calls belong to it), which ends with the status code `serve` resolves with. Only
   * when tracing is on (`tracingEnabled()`); otherwise call `serve` directly.
   */
  traced<T extends { code: number }>(metadata: Metadata, serve: () => Promise<T>): Promise<T> {
    const parent = propagation.extract(context.active(), metadata, metadataGetter);
    const span = tracerFor(this.service).startSpan(this.names.spanName, { kind: SpanKind.SERVER, attributes: this.names.attributes }, parent);
    return context.with(trace.setSpan(parent, span), serve).then((outcome) => {
      span.setAttribute("rpc.grpc.status_code", outcome.code);
      if (serverFaults.has(outcome.code)) markFailed(span, undefined, Status[outcome.code]);
      span.end();
      return outcome;
    });
  }
}

/**
 * Serves one incoming call: a SERVER span continuing the caller's trace is active while `serve`
 * runs (so its logs, queries and outgoing calls belong to it), then the duration is recorded by
 * status code. `serve` answers the call itself and resolves with the status code it sent.
 * (The server itself uses a ServerCallTelemetry made once per method.)
 */
export async function observeServerCall(service: string, path: string, metadata: Metadata, serve: () => Promise<number>): Promise<void> {
  const started = performance.now();
  const telemetry = new ServerCallTelemetry(service, path);
  const run = async () => ({ code: await serve() });
  const { code } = tracingEnabled() ? await telemetry.traced(metadata, run) : await run();
  telemetry.record(code, started);
}

/** The telemetry of outgoing calls of one method from one service, made on its first call. */
class ClientCallTelemetry {
  readonly names: MethodNames;
  readonly recorder: RpcDurationRecorder;

  constructor(path: string, service: string) {
    const names = methodNames(path);
    this.names = names;
    this.recorder = rpcClientRecorder(service, names.rpcService, names.rpcMethod);
  }
}

const clientTelemetry = new Map<string, Map<string, ClientCallTelemetry>>();

function clientTelemetryOf(service: string, path: string): ClientCallTelemetry {
  let byPath = clientTelemetry.get(service);
  if (!byPath) clientTelemetry.set(service, (byPath = new Map()));
  let telemetry = byPath.get(path);
  if (!telemetry) byPath.set(path, (telemetry = new ClientCallTelemetry(path, service)));
  return telemetry;
}

/** How an outgoing call is made once its metadata is final (the trace context injected). */
export type Invoke<Args extends unknown[], T> = (...args: Args) => Promise<T>;

/**
 * Makes one outgoing call from `service`: a CLIENT span whose context is injected into
 * `metadata`, and the duration by status code. `invoke(...args)` rejects with the grpc-js
 * ServiceError. (Arguments rather than a closure: a call allocates nothing it does not need.)
 */
export function observeClientCall<Args extends unknown[], T>(service: string, path: string, target: string, metadata: Metadata, invoke: Invoke<Args, T>, ...args: Args): Promise<T> {
  const started = performance.now();
  const telemetry = clientTelemetryOf(service, path);
  const span = insideTrace()
    ? tracerFor(service).startSpan(telemetry.names.spanName, {
        kind: SpanKind.CLIENT,
        attributes: { ...telemetry.names.attributes, ...serverAttributes(target) },
      })
    : undefined;
  if (span) propagation.inject(trace.setSpan(context.active(), span), metadata, metadataSetter);
  let answer: Promise<T>;
  try {
    answer = invoke(...args);
  } catch (err) {
    answer = Promise.reject(err);
  }
  return recordedAnswer(telemetry, started, span, answer);
}

async function recordedAnswer<T>(telemetry: ClientCallTelemetry, started: number, span: Span | undefined, answer: Promise<T>): Promise<T> {
  let code: number = Status.OK;
  try {
    return await answer;
  } catch (err) {
    const reported = (err as { code?: unknown }).code;
    code = typeof reported === "number" ? reported : Status.UNKNOWN;
    if (span) markFailed(span, undefined, Status[code] ?? String(code));
    throw err;
  } finally {
    span?.setAttribute("rpc.grpc.status_code", code);
    span?.end();
    telemetry.recorder(code, (performance.now() - started) / 1000);
  }
}
