import { ConfigError, env as field, loadConfig } from "@wms/config";
import { onShutdownSignal, setInProcessCalls } from "@wms/grpc";
import { createLogger } from "@wms/logging";
import { serviceNames, type ServiceName } from "@wms/proto/services";
import {
  checkPortsFree,
  demoDataState,
  describeDatabase,
  describeLocks,
  isAddressInUse,
  planService,
  startPlannedService,
  type RunningService,
  type ServicePlan,
} from "@wms/service";
import { startGateway, gatewayConfigSpec, gatewayLimits } from "@wms/gateway";
import { metricsConfigSpec, startMetricsServer } from "@wms/telemetry";
import { serviceModule } from "./registry.js";

// The whole mesh in one process: five gRPC servers on their own ports, sharing one embedded
// database (PGlite cannot be shared across processes), plus the REST gateway. The services
// and the gateway call each other in-process (libs/grpc in-process.ts: the wire's auth,
// validation, deadlines, statuses and telemetry without HTTP/2); IN_PROCESS_CALLS=false
// sends every call over loopback gRPC instead. Outside callers always use the gRPC ports.
// One /metrics endpoint serves every service's metrics, labelled by service.
const logger = createLogger("mesh");
const meshConfigSpec = {
  ...gatewayConfigSpec,
  ...metricsConfigSpec,
  /** Calls between the services of this process skip the loopback socket (same semantics). */
  IN_PROCESS_CALLS: field.boolean(true),
};

/**
 * Every service's configuration and every port, checked before anything opens: a bad value
 * anywhere stops the mesh with nothing listening, every problem named once.
 */
async function planMesh(env: NodeJS.ProcessEnv) {
  const problems = new Set<string>();
  let meshConfig: ReturnType<typeof loadConfig<typeof meshConfigSpec>> | undefined;
  try {
    meshConfig = loadConfig(meshConfigSpec, env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    err.problems.forEach((p) => problems.add(p));
  }
  const plans: ServicePlan[] = [];
  for (const name of serviceNames) {
    try {
      // PORT names a service run alone; here every service has its own <NAME>_PORT.
      plans.push(planService(serviceModule(name), { ...env, PORT: undefined }));
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      err.problems.forEach((p) => problems.add(p));
    }
  }
  if (problems.size > 0 || !meshConfig) throw new ConfigError([...problems]);
  // The metrics port is not checked: a taken one is logged and the mesh runs without it.
  await checkPortsFree([
    ...plans.map((p) => ({ variable: p.portVariable, host: p.config.HOST, port: p.port })),
    { variable: "GATEWAY_PORT", host: meshConfig.GATEWAY_HOST, port: meshConfig.GATEWAY_PORT },
  ]);
  return { meshConfig, plans };
}

async function main(): Promise<void> {
  const { meshConfig, plans } = await planMesh(process.env);
  setInProcessCalls(meshConfig.IN_PROCESS_CALLS);
  const running: RunningService[] = [];
  const stopAll = () => Promise.all(running.map((s) => s.stop()));
  let gateway: Awaited<ReturnType<typeof startGateway>>;
  try {
    for (const plan of plans) running.push(await startPlannedService(plan, { logger }));
    const upstreams = Object.fromEntries(running.map((s) => [s.name, s.server.address])) as Record<ServiceName, string>;
    gateway = await startGateway({
      host: meshConfig.GATEWAY_HOST,
      port: meshConfig.GATEWAY_PORT,
      upstreams,
      maxBodyBytes: meshConfig.GATEWAY_MAX_BODY,
      upstreamDeadlineMs: meshConfig.GATEWAY_UPSTREAM_DEADLINE,
      corsOrigins: meshConfig.GATEWAY_CORS_ORIGINS,
      ...gatewayLimits(meshConfig),
      logger,
    }).catch((err: unknown) => {
      throw isAddressInUse(err) ? new ConfigError([`GATEWAY_PORT=${meshConfig.GATEWAY_PORT} is in use`]) : err;
    });
  } catch (err) {
    // Something taken between the check and the start: close what did open before exiting.
    await stopAll();
    throw err;
  }
  const metrics = await startMetricsServer({ host: meshConfig.METRICS_HOST, port: meshConfig.METRICS_PORT, logger });
  onShutdownSignal(logger, async () => {
    await gateway.close();
    await stopAll();
    await metrics?.close();
  });
  const [first] = plans;
  const warehouse = plans.find((p) => p.module.name === "warehouse");
  const grpcList = running.map((s) => `${s.name}=${s.server.address}`).join(" ");
  const facts = [
    metrics ? `metrics ${metrics.url}` : undefined,
    first ? `database: ${describeDatabase(first.config)}` : undefined,
    warehouse ? `locks: ${describeLocks(warehouse.config) ?? "none"}` : undefined,
    first ? `demo data: ${demoDataState(first.config.DEMO_DATA, running.some((s) => s.demoDataLoaded))}` : undefined,
  ].filter(Boolean);
  process.stdout.write(`WMS mesh ready: REST ${gateway.url}  gRPC ${grpcList}  ${facts.join("  ")}\n`);
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  logger.fatal({ err }, "the mesh failed to start");
  process.exit(1);
});
