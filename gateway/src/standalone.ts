import { exitOnConfigError, loadConfig } from "@wms/config";
import { onShutdownSignal } from "@wms/grpc";
import { createLogger } from "@wms/logging";
import { metricsConfigSpec, startMetricsServer } from "@wms/telemetry";
import { commonConfigSpec, serviceAddresses, serviceAddressSpec } from "@wms/service";
import { gatewayConfigSpec, gatewayLimits } from "./config.js";
import { startGateway } from "./server.js";

/** The gateway on its own, in front of services running elsewhere (one process per service), until SIGTERM. */
export async function runGatewayStandalone(): Promise<void> {
  const logger = createLogger("gateway");
  const config = exitOnConfigError(() =>
    loadConfig({ ...gatewayConfigSpec, ...serviceAddressSpec, ...metricsConfigSpec, SHUTDOWN_GRACE: commonConfigSpec.SHUTDOWN_GRACE }),
  );
  try {
    const gateway = await startGateway({
      host: config.GATEWAY_HOST,
      port: config.GATEWAY_PORT,
      maxBodyBytes: config.GATEWAY_MAX_BODY,
      upstreamDeadlineMs: config.GATEWAY_UPSTREAM_DEADLINE,
      corsOrigins: config.GATEWAY_CORS_ORIGINS,
      ...gatewayLimits(config),
      upstreams: serviceAddresses(config),
      logger,
    });
    const metrics = await startMetricsServer({ host: config.METRICS_HOST, port: config.METRICS_PORT, logger });
    onShutdownSignal(logger, async () => {
      await gateway.close(config.SHUTDOWN_GRACE);
      await metrics?.close();
    });
  } catch (err) {
    logger.fatal({ err }, "the gateway failed to start");
    process.exit(1);
  }
}
