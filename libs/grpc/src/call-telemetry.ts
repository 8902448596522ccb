import { context, propagation, trace, SpanKind, type TextMapGetter, type TextMapSetter } from "@opentelemetry/api";
import { status as Status, type Metadata } from "@grpc/grpc-js";
import { insideTrace, markFailed, recordRpcClientCall, recordRpcServerCall, tracerFor, tracingEnabled } from "@wms/telemetry";

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

/**
 * Serves one incoming call: a SERVER span continuing the caller's trace is active while `serve`
 * runs (so its logs, queries and outgoing calls belong to it), then the duration is recorded by
 * status code. `serve` answers the call itself and resolves with the status code it sent.
 */
export function observeServerCall(service: string, path: string, metadata: Metadata, serve: () => Promise<number>): Promise<void> {
  const started = performance.now();
  const { rpcService, rpcMethod } = splitPath(path);
  const record = (code: number) => recordRpcServerCall({ service, rpcService, rpcMethod, code }, (performance.now() - started) / 1000);
  if (!tracingEnabled()) return serve().then(record);
  const parent = propagation.extract(context.active(), metadata, metadataGetter);
  const span = tracerFor(service).startSpan(`${rpcService}/${rpcMethod}`, { kind: SpanKind.SERVER, attributes: rpcAttributes(rpcService, rpcMethod) }, parent);
  return context.with(trace.setSpan(parent, span), serve).then((code) => {
    span.setAttribute("rpc.grpc.status_code", code);
    if (serverFaults.has(code)) markFailed(span, undefined, Status[code]);
    span.end();
    record(code);
  });
}

/**
 * Makes one outgoing call from `service`: a CLIENT span whose context is injected into
 * `metadata`, and the duration by status code. `invoke` rejects with the grpc-js ServiceError.
 */
export async function observeClientCall<T>(service: string, path: string, target: string, metadata: Metadata, invoke: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const { rpcService, rpcMethod } = splitPath(path);
  const span = insideTrace()
    ? tracerFor(service).startSpan(`${rpcService}/${rpcMethod}`, {
        kind: SpanKind.CLIENT,
        attributes: { ...rpcAttributes(rpcService, rpcMethod), ...serverAttributes(target) },
      })
    : undefined;
  if (span) propagation.inject(trace.setSpan(context.active(), span), metadata, metadataSetter);
  let code: number = Status.OK;
  try {
    return await invoke();
  } catch (err) {
    const reported = (err as { code?: unknown }).code;
    code = typeof reported === "number" ? reported : Status.UNKNOWN;
    if (span) markFailed(span, undefined, Status[code] ?? String(code));
    throw err;
  } finally {
    span?.setAttribute("rpc.grpc.status_code", code);
    span?.end();
    recordRpcClientCall({ service, rpcService, rpcMethod, code }, (performance.now() - started) / 1000);
  }
}
