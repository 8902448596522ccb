import { Counter, Gauge, Histogram, Registry } from "prom-client";

/** Every metric of the process, served at /metrics; in the one-process mesh each carries a `service` label. */
export const metricsRegistry = new Registry();

// Seconds, from a cached GetProduct (~1 ms) to a checkout queued behind a hot SKU.
const latencyBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const rpcLabels = ["service", "rpc_system", "rpc_service", "rpc_method", "rpc_grpc_status_code"] as const;

const rpcServerDuration = new Histogram({
  name: "rpc_server_duration_seconds",
  help: "Time to answer a gRPC call, from its arrival to its status (OpenTelemetry rpc.server.duration).",
  labelNames: rpcLabels,
  buckets: latencyBuckets,
  registers: [metricsRegistry],
});

const rpcClientDuration = new Histogram({
  name: "rpc_client_duration_seconds",
  help: "Time a gRPC call to another service took, as the caller saw it (OpenTelemetry rpc.client.duration).",
  labelNames: rpcLabels,
  buckets: latencyBuckets,
  registers: [metricsRegistry],
});

const httpServerDuration = new Histogram({
  name: "http_server_request_duration_seconds",
  help: "Time the REST gateway took to answer a request (OpenTelemetry http.server.request.duration).",
  labelNames: ["service", "http_request_method", "http_route", "http_response_status_code"] as const,
  buckets: latencyBuckets,
  registers: [metricsRegistry],
});

export type ReservationEvent = "made" | "committed" | "released" | "expired";

const reservations = new Counter({
  name: "wms_reservations_total",
  help: "Stock reservations by event: made (held), committed (paid), released (cancelled), expired (released by the sweeper).",
  labelNames: ["service", "event"] as const,
  registers: [metricsRegistry],
});

const lockWait = new Histogram({
  name: "wms_lock_wait_seconds",
  help: "Time spent waiting for per-SKU locks before the work under them began, by outcome (acquired, timeout, error).",
  labelNames: ["service", "outcome"] as const,
  buckets: latencyBuckets,
  registers: [metricsRegistry],
});

const dbConnectionsInUse = new Gauge({
  name: "db_client_connections_in_use",
  help: "Database connections busy with a query or a transaction right now.",
  labelNames: ["service"] as const,
  registers: [metricsRegistry],
});

const dbConnectionsMax = new Gauge({
  name: "db_client_connections_max",
  help: "Size of the service's database connection pool.",
  labelNames: ["service"] as const,
  registers: [metricsRegistry],
});

export interface RpcCallLabels {
  service: string;
  /** Full service name, `wms.order.v1.OrderService`. */
  rpcService: string;
  rpcMethod: string;
  code: number;
}

function rpcLabelValues(call: RpcCallLabels) {
  return { service: call.service, rpc_system: "grpc", rpc_service: call.rpcService, rpc_method: call.rpcMethod, rpc_grpc_status_code: call.code };
}

export const recordRpcServerCall = (call: RpcCallLabels, seconds: number): void => rpcServerDuration.observe(rpcLabelValues(call), seconds);
export const recordRpcClientCall = (call: RpcCallLabels, seconds: number): void => rpcClientDuration.observe(rpcLabelValues(call), seconds);

/** Records one RPC's durations: `(status code, seconds)`. */
export type RpcDurationRecorder = (code: number, seconds: number) => void;

/**
 * The recorders of one method, made once per method: each status code's series is bound on its
 * first call, so a call does not build and hash its five labels again (half of an observation's cost).
 */
export const rpcServerRecorder = (service: string, rpcService: string, rpcMethod: string): RpcDurationRecorder => recorder(rpcServerDuration, service, rpcService, rpcMethod);
export const rpcClientRecorder = (service: string, rpcService: string, rpcMethod: string): RpcDurationRecorder => recorder(rpcClientDuration, service, rpcService, rpcMethod);

function recorder(histogram: Histogram<(typeof rpcLabels)[number]>, service: string, rpcService: string, rpcMethod: string): RpcDurationRecorder {
  const byCode = new Map<number, { observe(seconds: number): void }>();
  return (code, seconds) => {
    let series = byCode.get(code);
    if (!series) {
      series = histogram.labels(rpcLabelValues({ service, rpcService, rpcMethod, code }));
      byCode.set(code, series);
    }
    series.observe(seconds);
  };
}

export function recordHttpRequest(service: string, method: string, route: string, status: number, seconds: number): void {
  httpServerDuration.observe({ service, http_request_method: method, http_route: route, http_response_status_code: status }, seconds);
}

/** Reservation events of one service; every event starts at zero so dashboards see the series at once. */
export function reservationCounter(service: string): (event: ReservationEvent, count?: number) => void {
  for (const event of ["made", "committed", "released", "expired"] as const) reservations.inc({ service, event }, 0);
  return (event, count = 1) => {
    if (count > 0) reservations.inc({ service, event }, count);
  };
}

export function recordLockWait(service: string, outcome: "acquired" | "timeout" | "error", seconds: number): void {
  lockWait.observe({ service, outcome }, seconds);
}

/** Counts a pool's busy connections; `begin()` when one is taken, the returned function when it is given back. */
export function connectionPoolGauge(service: string, max: number): { begin(): () => void } {
  dbConnectionsMax.set({ service }, max);
  dbConnectionsInUse.set({ service }, 0);
  return {
    begin() {
      dbConnectionsInUse.inc({ service });
      let done = false;
      return () => {
        if (done) return;
        done = true;
        dbConnectionsInUse.dec({ service });
      };
    },
  };
}

const lagSources = new Map<string, () => Promise<Date | undefined>>();

new Gauge({
  name: "wms_reservation_sweeper_lag_seconds",
  help: "Age of the oldest reservation that has expired but is still HELD (0 when none): how far the sweeper is behind.",
  labelNames: ["service"] as const,
  registers: [metricsRegistry],
  async collect() {
    this.reset();
    await Promise.all(
      [...lagSources].map(async ([service, oldestExpiredHeld]) => {
        try {
          const since = await oldestExpiredHeld();
          this.set({ service }, since ? Math.max(0, (Date.now() - since.getTime()) / 1000) : 0);
        } catch {
          // Left out of this scrape: a busy or closing database must not fail the whole page.
        }
      }),
    );
  },
});

/**
 * Measures the sweeper's lag at each scrape with `oldestExpiredHeld` (the expiry time of the
 * oldest expired, still HELD reservation). Returns the function that stops it.
 */
export function registerSweeperLag(service: string, oldestExpiredHeld: () => Promise<Date | undefined>): () => void {
  lagSources.set(service, oldestExpiredHeld);
  return () => {
    if (lagSources.get(service) === oldestExpiredHeld) lagSources.delete(service);
  };
}
