import postgres from "postgres";
import { createLogger, type Logger } from "@wms/logging";
import { serviceNames as peerNames, type ServiceName } from "@wms/proto/services";
import { startGateway, type RunningGateway } from "@wms/gateway";
import { createTestDatabase, freePort, startTestService, testTokens, type TestService, type TestTokens } from "@wms/testing";
import { serviceModule } from "../../services/registry.js";

export interface InProcessMesh {
  tokens: TestTokens;
  databaseUrl: string;
  grpc: Record<ServiceName, string>;
  restUrl: string;
  /** Every service's tables, each as a digest of its rows: equal snapshots mean nothing changed. */
  snapshot(): Promise<Record<string, string>>;
  sql: postgres.Sql;
  stop(): Promise<void>;
}

export interface InProcessMeshOptions {
  label: string;
  /** A database of its own (a fault test's private PostgreSQL); else a fresh one on the test server. */
  databaseUrl?: string;
  env?: Record<string, string>;
  /** Where the services log (default: silent). */
  logger?: Logger;
}

/**
 * All five services and the gateway in this process over real gRPC, on one database, with
 * every address fixed up front so the services can call each other.
 */
export async function startInProcessMesh(options: InProcessMeshOptions): Promise<InProcessMesh> {
  const tokens = testTokens();
  const created = options.databaseUrl ? undefined : await createTestDatabase(options.label);
  const databaseUrl = options.databaseUrl ?? created!.url;
  const ports = Object.fromEntries(await Promise.all(peerNames.map(async (n) => [n, await freePort()] as const))) as Record<ServiceName, number>;
  const grpc = Object.fromEntries(peerNames.map((n) => [n, `127.0.0.1:${ports[n]}`])) as Record<ServiceName, string>;
  // Small pools: five services share one PostgreSQL with every other test file running.
  const env: Record<string, string> = { DATABASE_URL: databaseUrl, DB_POOL_SIZE: "3", ...tokens.env(), ...options.env };
  for (const n of peerNames) env[`${n.toUpperCase()}_SERVICE_ADDR`] = grpc[n];
  const running: TestService[] = [];
  let gateway: RunningGateway | undefined;
  const sql = postgres(databaseUrl, { max: 2, onnotice: () => undefined, connect_timeout: 5 });
  const stop = async () => {
    await gateway?.close();
    for (const service of running.splice(0).reverse()) await service.stop().catch(() => undefined);
    await sql.end({ timeout: 1 }).catch(() => undefined);
    await created?.drop();
  };
  try {
    for (const name of peerNames) running.push(await startTestService(serviceModule(name), { ...env, PORT: String(ports[name]) }, { logger: options.logger }));
    gateway = await startGateway({ host: "127.0.0.1", port: 0, upstreams: grpc, upstreamDeadlineMs: 5_000, logger: options.logger ?? createLogger("gateway", "silent") });
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    tokens,
    databaseUrl,
    grpc,
    restUrl: gateway.url,
    sql,
    async snapshot() {
      const tables = await sql<{ schema: string; name: string }[]>`
        select table_schema as schema, table_name as name from information_schema.tables
        where table_schema = any(${[...peerNames]}) and table_type = 'BASE TABLE' order by 1, 2`;
      const out: Record<string, string> = {};
      for (const t of tables) {
        const [row] = await sql.unsafe(`select count(*)::text || ':' || coalesce(md5(string_agg(t::text, ',' order by t::text)), '') as digest from "${t.schema}"."${t.name}" t`);
        out[`${t.schema}.${t.name}`] = String(row?.digest);
      }
      return out;
    },
    stop,
  };
}
