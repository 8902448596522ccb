export { startTracing, stopTracing, tracerFor, tracingEnabled, tracesExportersFromEnv } from "./tracing.js";
export { inChildSpan, insideTrace, markFailed } from "./spans.js";
export {
  metricsRegistry,
  recordRpcServerCall,
  recordRpcClientCall,
  rpcServerRecorder,
  rpcClientRecorder,
  recordHttpRequest,
  reservationCounter,
  recordLockWait,
  connectionPoolGauge,
  registerSweeperLag,
  type RpcCallLabels,
  type RpcDurationRecorder,
  type ReservationEvent,
} from "./metrics.js";
export { startMetricsServer, metricsConfigSpec, type MetricsServer } from "./metrics-server.js";
