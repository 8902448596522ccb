import postgres from "postgres";
import { randomBytes } from "node:crypto";
import { openDatabase, type Database, type DatabaseHandle } from "@wms/db";

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/**
 * A fresh database on the test server for one test file, so runs never collide. Fails with
 * a message saying what to start when PostgreSQL is down: tests never skip silently.
 */
export async function createTestDatabase(label = "t"): Promise<{ url: string; drop: () => Promise<void> }> {
  const admin = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => undefined, connect_timeout: 5 });
  const name = `wms_${label.replace(/[^a-z0-9]/gi, "_").toLowerCase()}_${randomBytes(4).toString("hex")}`;
  try {
    await admin.unsafe(`create database ${name}`);
  } catch (err) {
    await admin.end({ timeout: 1 });
    throw new Error(
      `PostgreSQL is not reachable at ${TEST_DATABASE_URL} (${(err as Error).message}). ` +
        "Start it (pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) or set TEST_DATABASE_URL.",
    );
  }
  await admin.end({ timeout: 1 });
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const a = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => undefined });
      await a.unsafe(`drop database if exists ${name} with (force)`);
      await a.end({ timeout: 1 });
    },
  };
}

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/** A fresh test database with one service's schema migrated; `drop()` closes it and drops it. */
export interface MigratedTestDatabase {
  url: string;
  handle: DatabaseHandle;
  db: Database;
  drop(): Promise<void>;
}

/** A fresh database for one test file with `service`'s migrations applied (real PostgreSQL). */
export async function openTestDatabase(service: { name: string; migrationsFolder: string }, label = service.name): Promise<MigratedTestDatabase> {
  const database = await createTestDatabase(label);
  const handle = await openDatabase({ url: database.url, dataDir: ".data", service: service.name, migrationsFolder: service.migrationsFolder, poolSize: 10 });
  return {
    url: database.url,
    handle,
    db: handle.db,
    async drop() {
      await handle.close();
      await database.drop();
    },
  };
}
