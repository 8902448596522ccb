import { ConfigError, loadConfig } from "@wms/config";
import { onShutdownSignal } from "@wms/grpc";
import { createLogger } from "@wms/logging";
import { serviceNames, type ServiceName } from "@wms/proto/services";
import { startService, type RunningService } from "@wms/service";
import { startGateway, gatewayConfigSpec } from "@wms/gateway";
import { metricsConfigSpec, startMetricsServer } from "@wms/telemetry";
import { serviceModule } from "./registry.js";

// The whole mesh in one process: five gRPC servers on their own ports, talking over real
// gRPC, sharing one embedded database (PGlite cannot be shared across processes), plus the
// REST gateway. One /metrics endpoint serves every service's metrics, labelled by service.
const logger = createLogger("mesh");

async function main(): Promise<void> {
  const meshConfig = loadConfig({ ...gatewayConfigSpec, ...metricsConfigSpec });
  const running: RunningService[] = [];
  for (const name of serviceNames) {
    running.push(await startService(serviceModule(name), { ...process.env, PORT: undefined }, { logger }));
  }
  const upstreams = Object.fromEntries(running.map((s) => [s.name, s.server.address])) as Record<ServiceName, string>;
  const gateway = await startGateway({
    host: meshConfig.GATEWAY_HOST,
    port: meshConfig.GATEWAY_PORT,
    upstreams,
    maxBodyBytes: meshConfig.GATEWAY_MAX_BODY,
    corsOrigins: meshConfig.GATEWAY_CORS_ORIGINS,
    logger,
  });
  const metrics = await startMetricsServer({ host: meshConfig.METRICS_HOST, port: meshConfig.METRICS_PORT, logger });
  onShutdownSignal(logger, async () => {
    await gateway.close();
    await Promise.all(running.map((s) => s.stop()));
    await metrics?.close();
  });
  const grpcList = running.map((s) => `${s.name}=${s.server.address}`).join(" ");
  process.stdout.write(`WMS mesh ready: REST ${gateway.url}  gRPC ${grpcList}${metrics ? `  metrics ${metrics.url}` : ""}\n`);
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  logger.fatal({ err }, "the mesh failed to start");
  process.exit(1);
});
