import { mkdirSync } from "node:fs";
import { join } from "node:path";
import postgres from "postgres";
import { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { alwaysPrepared } from "./prepared.js";
import { connectionPoolGauge } from "@wms/telemetry";
import { instrumentPglite, instrumentPostgres, postgresAttributes } from "./instrument.js";

/** What services query through: the same drizzle API on PostgreSQL and on embedded PGlite. */
export type Database = PgDatabase<PgQueryResultHKT>;

export interface DatabaseHandle {
  readonly db: Database;
  /**
   * Runs `work` while holding a cluster-wide lock named `name` (a PostgreSQL advisory lock), so
   * replicas starting together do one-time work (demo data) one after another.
   */
  exclusively<T>(name: string, work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** PostgreSQL URL; unset means embedded PGlite under dataDir. */
  url: string | undefined;
  dataDir: string;
  /** The service's name: its schema and its migrations table. */
  service: string;
  migrationsFolder: string;
  poolSize?: number;
  /** False when migrations were applied beforehand (`migrate`, a Kubernetes Job before rollout). Default true. */
  migrate?: boolean;
}

/** Opens the service's database and, unless told not to, applies its migrations before returning. */
export async function openDatabase(opts: OpenDatabaseOptions): Promise<DatabaseHandle> {
  const migrationConfig = {
    migrationsFolder: opts.migrationsFolder,
    migrationsSchema: "drizzle",
    migrationsTable: `${opts.service}_migrations`,
  };
  const migrate = opts.migrate ?? true;
  if (opts.url) {
    if (migrate) await migrateWithLock(opts.url, opts.service, migrationConfig);
    const poolSize = opts.poolSize ?? 10;
    const client = postgres(opts.url, {
      max: poolSize,
      onnotice: () => undefined,
      connection: { application_name: `wms-${opts.service}` },
    });
    return {
      db: drizzlePostgres(
        instrumentPostgres(alwaysPrepared(client), { service: opts.service, attributes: postgresAttributes(opts.url), pool: connectionPoolGauge(opts.service, poolSize) }),
      ) as unknown as Database,
      exclusively: (name, work) => withAdvisoryLock(opts.url as string, name, work),
      close: () => client.end({ timeout: 5 }),
    };
  }
  const shared = await sharedPglite(opts.dataDir);
  const db = drizzlePglite(shared.client);
  if (migrate) await migratePglite(db, migrationConfig);
  // One process owns an embedded database: nothing else can race it.
  const traced = drizzlePglite(instrumentPglite(shared.client, { service: opts.service, attributes: { "db.system": "postgresql", "db.system.name": "postgresql" } }));
  return { db: traced as unknown as Database, exclusively: (_name, work) => work(), close: () => shared.release() };
}

/**
 * Replicas start together: a session advisory lock on one dedicated connection makes their
 * migrations run one after another instead of racing on CREATE TABLE.
 */
async function migrateWithLock(
  url: string,
  service: string,
  config: { migrationsFolder: string; migrationsSchema: string; migrationsTable: string },
): Promise<void> {
  await withAdvisoryLock(url, `wms-migrate-${service}`, (client) => migratePostgres(drizzlePostgres(client), config));
}

/** A session advisory lock on a dedicated connection, released when the connection closes. */
async function withAdvisoryLock<T>(url: string, name: string, work: (client: postgres.Sql) => Promise<T>): Promise<T> {
  const client = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    await client`select pg_advisory_lock(hashtext(${name}))`;
    return await work(client);
  } finally {
    await client.end({ timeout: 5 });
  }
}

// One PGlite per data dir for the whole process: PGlite cannot be opened twice, and the
// embedded mesh runs every service in this one process.
const pglites = new Map<string, { client: PGlite; users: number }>();

async function sharedPglite(dataDir: string): Promise<{ client: PGlite; release: () => Promise<void> }> {
  let entry = pglites.get(dataDir);
  if (!entry) {
    const path = dataDir === ":memory:" ? undefined : join(dataDir, "pglite");
    if (path) mkdirSync(path, { recursive: true });
    entry = { client: new PGlite(path), users: 0 };
    pglites.set(dataDir, entry);
  }
  entry.users += 1;
  const current = entry;
  await current.client.waitReady;
  return {
    client: current.client,
    release: async () => {
      current.users -= 1;
      if (current.users === 0) {
        pglites.delete(dataDir);
        await current.client.close();
      }
    },
  };
}
