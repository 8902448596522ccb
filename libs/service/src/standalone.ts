import { ConfigError, loadConfig, type ConfigSpec } from "@wms/config";
import { onShutdownSignal } from "@wms/grpc";
import { createLogger } from "@wms/logging";
import { metricsConfigSpec, startMetricsServer } from "@wms/telemetry";
import type { ServiceModule } from "./module.js";
import { startService } from "./start.js";

/** Runs one service as its own process (how Kubernetes runs it) until SIGTERM. */
export async function runStandalone<S extends ConfigSpec>(module: ServiceModule<S>): Promise<void> {
  const logger = createLogger(module.name);
  try {
    const metricsConfig = loadConfig(metricsConfigSpec);
    const running = await startService(module, process.env, { logger });
    const metrics = await startMetricsServer({ host: metricsConfig.METRICS_HOST, port: metricsConfig.METRICS_PORT, logger });
    onShutdownSignal(logger, async () => {
      await running.stop();
      await metrics?.close();
    });
    logger.info({ address: running.server.address }, "ready");
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${module.name}: ${err.message}\n`);
      process.exit(2);
    }
    logger.fatal({ err }, "failed to start");
    process.exit(1);
  }
}
