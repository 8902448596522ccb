import { describe, expect, it } from "vitest";
import { ConfigError } from "@wms/config";
import { createLogger } from "@wms/logging";
import { tracesExportersFromEnv } from "./tracing.js";
import { startTracingSdk } from "./sdk.js";
import { startMetricsServer } from "./metrics-server.js";
import { metricsRegistry, recordRpcServerCall, registerSweeperLag, reservationCounter, rpcClientRecorder, rpcServerRecorder } from "./metrics.js";

describe("tracing configuration", () => {
  it("is off unless an exporter or an OTLP endpoint is configured, and off whenever OTEL_SDK_DISABLED is true", () => {
    expect(tracesExportersFromEnv({})).toBeUndefined();
    expect(tracesExportersFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" })).toEqual(["otlp"]);
    expect(tracesExportersFromEnv({ OTEL_TRACES_EXPORTER: "otlp", OTEL_SDK_DISABLED: "true" })).toBeUndefined();
    expect(tracesExportersFromEnv({ OTEL_TRACES_EXPORTER: "none" })).toEqual([]);
    expect(tracesExportersFromEnv({ OTEL_TRACES_EXPORTER: " otlp, console " })).toEqual(["otlp", "console"]);
  });

  it("names the variable when an exporter or a protocol is unknown", () => {
    expect(() => startTracingSdk(["otlp"], { OTEL_EXPORTER_OTLP_PROTOCOL: "http/xml" })).toThrow(ConfigError);
    expect(() => startTracingSdk(["zipkin"], {})).toThrow(/OTEL_TRACES_EXPORTER: "zipkin"/);
  });
});

describe("the sweeper lag gauge", () => {
  it("is the age of the oldest expired held reservation at scrape time, 0 without one, and left out when its query fails", async () => {
    const stopBehind = registerSweeperLag("behind", async () => new Date(Date.now() - 90_000));
    const stopCaughtUp = registerSweeperLag("caught-up", async () => undefined);
    const stopBroken = registerSweeperLag("broken", () => Promise.reject(new Error("database closed")));
    const lag = async () => Object.fromEntries((await metricsRegistry.getSingleMetric("wms_reservation_sweeper_lag_seconds")!.get()).values.map((v) => [v.labels.service, v.value]));
    const scraped = await lag();
    expect(scraped.behind).toBeGreaterThanOrEqual(90);
    expect(scraped["caught-up"]).toBe(0);
    expect(scraped).not.toHaveProperty("broken");
    stopBehind();
    stopCaughtUp();
    stopBroken();
    expect(await lag()).toEqual({});
  });
});

describe("per-method RPC recorders", () => {
  it("write the same series as recordRpc*Call, one per status code", async () => {
    const server = rpcServerRecorder("recorders", "wms.test.v1.TestService", "Get");
    server(0, 0.004);
    server(0, 0.2);
    server(5, 0.001);
    recordRpcServerCall({ service: "recorders", rpcService: "wms.test.v1.TestService", rpcMethod: "Get", code: 0 }, 3);
    rpcClientRecorder("recorders", "wms.test.v1.TestService", "Get")(14, 0.03);
    const text = await metricsRegistry.metrics();
    const labels = 'service="recorders",rpc_system="grpc",rpc_service="wms.test.v1.TestService",rpc_method="Get"';
    expect(text).toContain(`rpc_server_duration_seconds_count{${labels},rpc_grpc_status_code="0"} 3`);
    expect(text).toContain(`rpc_server_duration_seconds_bucket{le="0.005",${labels},rpc_grpc_status_code="0"} 1`);
    expect(text).toContain(`rpc_server_duration_seconds_count{${labels},rpc_grpc_status_code="5"} 1`);
    expect(text).toContain(`rpc_client_duration_seconds_count{${labels},rpc_grpc_status_code="14"} 1`);
  });
});

describe("startMetricsServer", () => {
  it("serves the Prometheus text with runtime metrics, and a taken port leaves the process running without it", async () => {
    const logger = createLogger("test", "silent");
    const server = await startMetricsServer({ host: "127.0.0.1", port: 0, logger });
    expect(server).toBeDefined();
    try {
      recordRpcServerCall({ service: "order", rpcService: "wms.order.v1.OrderService", rpcMethod: "Checkout", code: 0 }, 0.004);
      reservationCounter("warehouse")("made", 2);
      const res = await fetch(server!.url);
      expect(res.headers.get("content-type")).toContain("text/plain");
      const text = await res.text();
      expect(text).toMatch(/^rpc_server_duration_seconds_bucket\{le="0\.005",service="order",.*rpc_method="Checkout",rpc_grpc_status_code="0"\} 1$/m);
      expect(text).toMatch(/^wms_reservations_total\{service="warehouse",event="made"\} 2$/m);
      expect(text).toMatch(/^nodejs_heap_size_used_bytes \d+/m);
      expect((await fetch(server!.url.replace("/metrics", "/other"))).status).toBe(404);
      const port = Number(new URL(server!.url).port);
      expect(await startMetricsServer({ host: "127.0.0.1", port, logger })).toBeUndefined();
    } finally {
      await server?.close();
    }
  });
});
