import { ConfigError, loadConfig, type ConfigSpec } from "@wms/config";
import { openDatabase } from "@wms/db";
import { loadKeyPair, TokenIssuer, TokenVerifier } from "@wms/auth";
import { startGrpcServer, ServiceCredentials, type RunningServer, type Middleware } from "@wms/grpc";
import { createLogger, loggerFor, type Logger } from "@wms/logging";
import { startTracing, stopTracing } from "@wms/telemetry";
import { meshServices, type ServiceName } from "@wms/proto/services";
import { commonConfigSpec, serviceAddresses } from "./config.js";
import type { ServiceModule } from "./module.js";
import { createPeers } from "./peers.js";

export interface RunningService {
  readonly name: string;
  readonly server: RunningServer;
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
  const config = { ...loadConfig(commonConfigSpec, env), ...loadConfig(module.configSpec, env) };
  const port = portFor(module.name, env);
  await startTracing(env);
  const logger = shared.logger ? loggerFor(shared.logger, module.name) : createLogger(module.name);
  const handle = await openDatabase({
    url: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    service: module.name,
    migrationsFolder: module.migrationsFolder,
    poolSize: config.DB_POOL_SIZE,
    migrate: config.MIGRATE,
  });
  const userKeys = loadKeyPair({ privateKeyPem: config.JWT_PRIVATE_KEY, publicKeyPem: config.JWT_PUBLIC_KEY, dataDir: config.DATA_DIR, fileName: "jwt-ed25519.pem" });
  const serviceKeys = loadKeyPair({ privateKeyPem: config.SERVICE_PRIVATE_KEY, publicKeyPem: config.SERVICE_PUBLIC_KEY, dataDir: config.DATA_DIR, fileName: "service-ed25519.pem" });
  if (!serviceKeys.privateKey) throw new ConfigError(["SERVICE_PRIVATE_KEY is required when SERVICE_PUBLIC_KEY is set (every service signs its own credentials)"]);
  const peers = createPeers(serviceAddresses(config), new ServiceCredentials(new TokenIssuer(serviceKeys.privateKey), module.name));
  const userTokenIssuer = userKeys.privateKey ? new TokenIssuer(userKeys.privateKey) : undefined;
  const started = await module.create({ config, db: handle.db, logger, peers, userTokenIssuer });
  const seed = started.seedDemoData;
  if (config.DEMO_DATA && seed) await handle.exclusively(`wms-demo-${module.name}`, seed);
  const server = await startGrpcServer({
    name: module.name,
    host: config.HOST,
    port,
    services: started.bindings,
    verifier: new TokenVerifier(userKeys.publicKey, serviceKeys.publicKey),
    logger,
    middleware: shared.middleware,
  });
  started.startBackground?.();
  return {
    name: module.name,
    server,
    async stop() {
      await server.shutdown(config.SHUTDOWN_GRACE);
      await started.stop?.();
      peers.close();
      await handle.close();
      await stopTracing(module.name);
    },
  };
}

/** `PORT`, else `<NAME>_PORT`, else the service's default port. */
export function portFor(name: ServiceName, env: NodeJS.ProcessEnv): number {
  const raw = env.PORT ?? env[`${name.toUpperCase()}_PORT`];
  if (raw === undefined || raw === "") return meshServices[name].defaultPort;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`PORT=${raw} is not a port number`);
  return n;
}
