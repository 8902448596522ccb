import { mkdirSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { FailFastPool } from "./pool.js";
import { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzleNodePg } from "drizzle-orm/node-postgres";
import { migrate as migrateNodePg } from "drizzle-orm/node-postgres/migrator";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { withReplicas, type PgDatabase, type PgQueryResultHKT } from "drizzle-orm/pg-core";
import { connectionPoolGauge } from "@wms/telemetry";
import { instrumentPglite, instrumentPgPool, postgresAttributes } from "./instrument.js";
import { ensureDatabase } from "./create-database.js";
import { lockDataDir } from "./data-dir-lock.js";
import type { Logger } from "@wms/logging";

/** What services query through: the same drizzle API on PostgreSQL and on embedded PGlite. */
export type Database = PgDatabase<PgQueryResultHKT>;

export interface DatabaseHandle {
  /** The primary: every write, and every read that decides something (stock, ownership, prices). */
  readonly db: Database;
  /**
   * For reads that tolerate replication lag (listings, a product's page): the read replicas
   * when DATABASE_REPLICA_URLS names any (drizzle's withReplicas picks one per query; writes
   * through it still go to the primary), else the primary itself.
   */
  readonly readDb: Database;
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
  /** PostgreSQL read replicas (ignored on the embedded database). */
  replicaUrls?: string[];
  /** False when migrations were applied beforehand (`migrate`, a Kubernetes Job before rollout). Default true. */
  migrate?: boolean;
  connectTimeoutMs?: number;
  acquireTimeoutMs?: number;
  statementTimeoutMs?: number;
  /** Failed statements are logged here by name and SQLSTATE (never their text or values). */
  logger?: Logger;
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
    const url = opts.url;
    await ensureDatabase(url);
    if (migrate) await withAdvisoryLock(url, `wms-migrate-${opts.service}`, (client) => migrateNodePg(drizzleNodePg(client), migrationConfig));
    const scope = { service: opts.service, attributes: postgresAttributes(url), pool: connectionPoolGauge(opts.service, opts.poolSize ?? 10), logger: opts.logger };
    const pool = new FailFastPool(url, { ...opts, applicationName: `wms-${opts.service}`, observeQuery: instrumentPgPool(scope), observeCheckout: () => scope.pool.begin() });
    const db = drizzleNodePg(pool);
    // Read replicas get pools of their own, traced like the primary's but not counted in its gauge.
    const replicas = (opts.replicaUrls ?? []).map(
      (replicaUrl) =>
        new FailFastPool(replicaUrl, {
          ...opts,
          applicationName: `wms-${opts.service}-read`,
          observeQuery: instrumentPgPool({ service: opts.service, attributes: postgresAttributes(replicaUrl), logger: opts.logger }),
        }),
    );
    const [first, ...rest] = replicas.map((replica) => drizzleNodePg(replica));
    return {
      db: db as unknown as Database,
      readDb: (first ? withReplicas(db, [first, ...rest]) : db) as unknown as Database,
      exclusively: (name, work) => withAdvisoryLock(url, name, () => work()),
      close: async () => {
        await Promise.all([pool, ...replicas].map((p) => p.end()));
      },
    };
  }
  const shared = await sharedPglite(opts.dataDir);
  const db = drizzlePglite(shared.client);
  if (migrate) await migratePglite(db, migrationConfig);
  // One process owns an embedded database: nothing else can race it.
  const traced = drizzlePglite(instrumentPglite(shared.client, { service: opts.service, attributes: { "db.system": "postgresql", "db.system.name": "postgresql" }, logger: opts.logger }));
  return { db: traced as unknown as Database, readDb: traced as unknown as Database, exclusively: (_name, work) => work(), close: () => shared.release() };
}

/**
 * A session advisory lock on a dedicated connection, released when the connection closes:
 * replicas starting together run their migrations and demo data one after another instead
 * of racing on CREATE TABLE.
 */
async function withAdvisoryLock<T>(url: string, name: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on("error", () => undefined);
  await client.connect();
  try {
    await client.query("select pg_advisory_lock(hashtext($1))", [name]);
    return await work(client);
  } finally {
    await client.end();
  }
}

// One PGlite per data dir for the whole process: PGlite cannot be opened twice, and the
// embedded mesh runs every service in this one process.
const pglites = new Map<string, { client: PGlite; users: number; unlock: () => void }>();

async function sharedPglite(dataDir: string): Promise<{ client: PGlite; release: () => Promise<void> }> {
  let entry = pglites.get(dataDir);
  if (!entry) {
    const path = dataDir === ":memory:" ? undefined : join(dataDir, "pglite");
    if (path) mkdirSync(path, { recursive: true });
    const unlock = path ? lockDataDir(dataDir) : () => undefined;
    entry = { client: new PGlite(path), users: 0, unlock };
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
        current.unlock();
      }
    },
  };
}
