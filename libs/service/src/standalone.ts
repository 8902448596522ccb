import { ConfigError, loadConfig, type ConfigSpec } from "@wms/config";
import { onShutdownSignal } from "@wms/grpc";
import { createLogger } from "@wms/logging";
import { metricsConfigSpec, startMetricsServer } from "@wms/telemetry";
import type { ServiceModule } from "./module.js";
import { describeDatabase, describeLocks, planService } from "./plan.js";
import { checkPortsFree } from "./ports.js";
import { startPlannedService } from "./start.js";

/** Runs one service as its own process (how Kubernetes runs it) until SIGTERM. */
export async function runStandalone<S extends ConfigSpec>(module: ServiceModule<S>): Promise<void> {
  const logger = createLogger(module.name);
  try {
    const metricsConfig = loadConfig(metricsConfigSpec);
    const plan = planService(module, process.env);
    // The metrics port is not checked: a taken one is logged and the service runs without it.
    await checkPortsFree([{ variable: plan.portVariable, host: plan.config.HOST, port: plan.port }]);
    const running = await startPlannedService(plan, { logger });
    const metrics = await startMetricsServer({ host: metricsConfig.METRICS_HOST, port: metricsConfig.METRICS_PORT, logger });
    onShutdownSignal(logger, async () => {
      await running.stop();
      await metrics?.close();
    });
    logger.info(
      {
        address: running.server.address,
        database: describeDatabase(plan.config),
        locks: describeLocks(plan.config),
        demoData: demoDataState(plan.config.DEMO_DATA, running.demoDataLoaded),
      },
      "ready",
    );
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${module.name}: ${err.message}\n`);
      process.exit(2);
    }
    logger.fatal({ err }, "failed to start");
    process.exit(1);
  }
}

/** `loaded`, `already present` or `off`: what a start did about the demo data. */
export function demoDataState(enabled: boolean, loaded: boolean): string {
  if (!enabled) return "off (DEMO_DATA=false)";
  return loaded ? "loaded" : "not loaded (the database already had data)";
}
