import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { collectDefaultMetrics } from "prom-client";
import { env } from "@wms/config";
import type { Logger } from "@wms/logging";
import { metricsRegistry } from "./metrics.js";

/** Where the process serves /metrics; read by every entry point (one endpoint per process). */
export const metricsConfigSpec = {
  METRICS_HOST: env.string("127.0.0.1", "the Prometheus endpoint's listen address"),
  /** 0 picks a free port (tests); the port taken is logged. */
  METRICS_PORT: env.port(9464),
};

export interface MetricsServer {
  readonly url: string;
  close(): Promise<void>;
}

let runtimeMetricsStarted = false;

/**
 * Serves the Prometheus text exposition of the process's registry at `/metrics`, with Node's
 * runtime metrics (event-loop delay, heap, GC, CPU). A port already in use is logged and the
 * process runs on without the endpoint: metrics must not stop the service they watch.
 */
export async function startMetricsServer(opts: { host: string; port: number; logger: Logger }): Promise<MetricsServer | undefined> {
  if (!runtimeMetricsStarted) {
    collectDefaultMetrics({ register: metricsRegistry });
    runtimeMetricsStarted = true;
  }
  const server = createServer((req, res) => {
    if (req.method !== "GET" || (req.url ?? "").split("?")[0] !== "/metrics") {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found: the metrics are at /metrics\n");
      return;
    }
    metricsRegistry.metrics().then(
      (text) => res.writeHead(200, { "content-type": metricsRegistry.contentType }).end(text),
      (err: unknown) => {
        opts.logger.error({ err }, "metrics could not be collected");
        res.writeHead(500, { "content-type": "text/plain" }).end("metrics could not be collected\n");
      },
    );
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(opts.port, opts.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (err) {
    opts.logger.warn({ err, port: opts.port }, "metrics endpoint not started: set METRICS_PORT to a free port");
    return undefined;
  }
  const { port } = server.address() as AddressInfo;
  const host = opts.host.includes(":") ? `[${opts.host}]` : opts.host;
  const url = `http://${host}:${port}/metrics`;
  opts.logger.info({ url }, "metrics listening");
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
