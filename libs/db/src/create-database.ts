import pg from "pg";
import { ConfigError } from "@wms/config";
import { pgErrorCode } from "./errors.js";

const INVALID_CATALOG_NAME = "3D000";
const DUPLICATE_DATABASE = "42P04";
const INSUFFICIENT_PRIVILEGE = "42501";

/**
 * Creates the database `url` names when it does not exist yet, connecting to the server's
 * `postgres` database to do it. A role that may not create databases gets one ConfigError
 * naming the database (what to ask an administrator for), never a stack trace.
 */
export async function ensureDatabase(url: string): Promise<void> {
  const probe = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await probe.connect();
    return;
  } catch (err) {
    if (pgErrorCode(err) !== INVALID_CATALOG_NAME) throw err;
  } finally {
    await probe.end().catch(() => undefined);
  }
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ""));
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    await client.query(`create database ${client.escapeIdentifier(name)}`);
  } catch (err) {
    const code = pgErrorCode(err);
    // Another replica starting at the same moment created it first.
    if (code === DUPLICATE_DATABASE || code === "23505") return;
    if (code === INSUFFICIENT_PRIVILEGE) {
      throw new ConfigError([`DATABASE_URL names database "${name}", which does not exist, and this role may not create it: create it (CREATE DATABASE "${name}") or name an existing one`]);
    }
    if (code === INVALID_CATALOG_NAME) {
      throw new ConfigError([`DATABASE_URL names database "${name}", which does not exist, and there is no "postgres" database to create it from: create it or name an existing one`]);
    }
    throw err;
  } finally {
    await client.end().catch(() => undefined);
  }
}
