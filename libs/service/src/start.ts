import { ConfigError, type ConfigSpec } from "@wms/config";
import { openDatabase } from "@wms/db";
import { loadKeyPair, TokenIssuer, TokenVerifier } from "@wms/auth";
import { startGrpcServer, ServiceCredentials, type RunningServer, type Middleware } from "@wms/grpc";
import { createLogger, loggerFor, type Logger } from "@wms/logging";
import { startTracing, stopTracing } from "@wms/telemetry";
import type { ServiceModule } from "./module.js";
import { createPeers } from "./peers.js";
import { serviceAddresses } from "./config.js";
import { planService, type ServicePlan } from "./plan.js";

export interface RunningService {
  readonly name: string;
  readonly server: RunningServer;
  /** True when this start loaded the demo data (the database was empty and DEMO_DATA on). */
  readonly demoDataLoaded: boolean;
  /** Drain the server, stop background work, close clients and the database. */
  stop(): Promise<void>;
}

/** What a process may share between the services it runs. */
export interface SharedResources {
  middleware?: Middleware[];
  logger?: Logger;
}

/**
 * Starts one service: config (every problem named), database and migrations, keys, peers,
 * the gRPC server with health and reflection, demo data, then background work.
 */
export async function startService<S extends ConfigSpec>(
  module: ServiceModule<S>,
  env: NodeJS.ProcessEnv = process.env,
  shared: SharedResources = {},
): Promise<RunningService> {
  return startPlannedService(planService(module, env), shared);
}

/** Starts a service whose configuration was already read and checked (planService). */
export async function startPlannedService<S extends ConfigSpec>(plan: ServicePlan<S>, shared: SharedResources = {}): Promise<RunningService> {
  const { module, config, port, portVariable, env } = plan;
  await startTracing(env);
  const logger = shared.logger ? loggerFor(shared.logger, module.name) : createLogger(module.name);
  const handle = await openDatabase({
    url: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    service: module.name,
    migrationsFolder: module.migrationsFolder,
    poolSize: config.DB_POOL_SIZE,
    replicaUrls: config.DATABASE_REPLICA_URLS,
    migrate: config.MIGRATE,
    connectTimeoutMs: config.DB_CONNECT_TIMEOUT,
    acquireTimeoutMs: config.DB_ACQUIRE_TIMEOUT,
    statementTimeoutMs: config.DB_STATEMENT_TIMEOUT,
    logger,
  });
  const userKeys = loadKeyPair({ privateKeyPem: config.JWT_PRIVATE_KEY, publicKeyPem: config.JWT_PUBLIC_KEY, dataDir: config.DATA_DIR, fileName: "jwt-ed25519.pem" });
  const serviceKeys = loadKeyPair({ privateKeyPem: config.SERVICE_PRIVATE_KEY, publicKeyPem: config.SERVICE_PUBLIC_KEY, dataDir: config.DATA_DIR, fileName: "service-ed25519.pem" });
  // planService refused a public key without its private key, so this holds.
  if (!serviceKeys.privateKey) throw new ConfigError(["SERVICE_PRIVATE_KEY is required when SERVICE_PUBLIC_KEY is set"]);
  const peers = createPeers(serviceAddresses(config), new ServiceCredentials(new TokenIssuer(serviceKeys.privateKey), module.name));
  const userTokenIssuer = userKeys.privateKey ? new TokenIssuer(userKeys.privateKey) : undefined;
  const started = await module.create({ config, db: handle.db, readDb: handle.readDb, logger, peers, userTokenIssuer });
  const seed = started.seedDemoData;
  const demoDataLoaded = config.DEMO_DATA && seed ? (await handle.exclusively(`wms-demo-${module.name}`, seed)) === true : false;
  let server: RunningServer;
  try {
    server = await startGrpcServer({
      name: module.name,
      host: config.HOST,
      port,
      services: started.bindings,
      verifier: new TokenVerifier(userKeys.publicKey, serviceKeys.publicKey),
      logger,
      middleware: shared.middleware,
      trustedProxies: config.TRUSTED_PROXIES,
    });
  } catch (err) {
    await started.stop?.();
    peers.close();
    await handle.close();
    if (isAddressInUse(err)) throw new ConfigError([`${portVariable}=${port} is in use (${config.HOST}:${port})`]);
    throw err;
  }
  started.startBackground?.();
  return {
    name: module.name,
    server,
    demoDataLoaded,
    async stop() {
      await server.shutdown(config.SHUTDOWN_GRACE);
      await started.stop?.();
      peers.close();
      await handle.close();
      await stopTracing(module.name);
    },
  };
}

/** grpc-js reports a taken port inside its bind error's text. */
export function isAddressInUse(err: unknown): boolean {
  return (err as { code?: unknown } | undefined)?.code === "EADDRINUSE" || (err instanceof Error && /EADDRINUSE|address already in use/i.test(err.message));
}
