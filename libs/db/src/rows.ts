import type { SQL } from "drizzle-orm";
import type { Database } from "./open.js";

/**
 * Runs one hand-written statement (a CTE that drizzle's builders cannot express) and answers
 * its rows. The `postgres` driver answers a row list, PGlite an object with `rows`.
 */
export async function queryRows<T>(db: Database, query: SQL): Promise<T[]> {
  const result: unknown = await db.execute(query);
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}
