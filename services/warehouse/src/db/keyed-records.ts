import { and, eq } from "drizzle-orm";
import type { PgColumn, PgInsertValue, PgTable } from "drizzle-orm/pg-core";
import type { Database } from "@wms/db";

/**
 * An idempotency record table (receipts, transfers, adjustments): one row per request, unique on
 * (scope, key). `claim` writes the record unless the key is taken; `find` reads the one holding it.
 */
export function keyedRecords<T extends PgTable, D>(
  db: Database,
  table: T,
  [scopeColumn, keyColumn]: [PgColumn, PgColumn],
  toDomain: (row: T["$inferSelect"]) => D,
) {
  return {
    /** Undefined when the key is taken already (a replay, or a concurrent one that committed first). */
    async claim(record: T["$inferInsert"]): Promise<D | undefined> {
      const [inserted] = await db
        .insert(table)
        .values(record as PgInsertValue<T>)
        .onConflictDoNothing({ target: [scopeColumn, keyColumn] })
        .returning();
      return inserted && toDomain(inserted as T["$inferSelect"]);
    },

    async find(scope: string, key: string): Promise<D | undefined> {
      const [row] = await db.select().from(table as PgTable).where(and(eq(scopeColumn, scope), eq(keyColumn, key))).limit(1);
      return row && toDomain(row as T["$inferSelect"]);
    },
  };
}
