import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/node-postgres";
import { createTestDatabase } from "@wms/testing";
import { FailFastPool } from "./pool.js";

describe("named prepared statements", () => {
  let database: { url: string; drop: () => Promise<void> };
  let pool: FailFastPool;
  let plain: pg.Pool;

  beforeAll(async () => {
    database = await createTestDatabase("prepared");
    // One connection each: its prepared statements are what pg_prepared_statements shows.
    pool = new FailFastPool(database.url, { poolSize: 1 });
    plain = new pg.Pool({ connectionString: database.url, max: 1 });
  });
  afterAll(async () => {
    await pool.end();
    await plain.end();
    await database.drop();
  });

  const preparedWith = async (on: pg.Pool, marker: string) =>
    (await on.query<{ statement: string }>("select statement from pg_prepared_statements")).rows.filter((r) => r.statement.includes(marker)).length;

  it("leaves drizzle's statements unprepared on a plain pool (the control)", async () => {
    await drizzle(plain).execute(sql`select ${1}::int as control_marker`);
    expect(await preparedWith(plain, "control_marker")).toBe(0);
  });

  it("prepares drizzle's parameterized statements, in and out of transactions and savepoints, and reuses them", async () => {
    const db = drizzle(pool);
    const first = await db.execute<{ plain_marker_x: number }>(sql`select ${41}::int + 1 as plain_marker_x`);
    const second = await db.execute<{ plain_marker_x: number }>(sql`select ${1}::int + 1 as plain_marker_x`);
    expect([first.rows[0], second.rows[0]]).toEqual([{ plain_marker_x: 42 }, { plain_marker_x: 2 }]);
    expect(await preparedWith(pool, "plain_marker")).toBe(1); // once, reused

    const inTx = await db.transaction(async (tx) => {
      const { rows } = await tx.execute<{ tx_marker_y: number }>(sql`select ${7}::int as tx_marker_y`);
      const nested = await tx.transaction(async (sp) => sp.execute<{ savepoint_marker_z: number }>(sql`select ${8}::int as savepoint_marker_z`));
      return [rows[0], nested.rows[0]];
    });
    expect(inTx).toEqual([{ tx_marker_y: 7 }, { savepoint_marker_z: 8 }]);
    expect(await preparedWith(pool, "tx_marker")).toBe(1);
    expect(await preparedWith(pool, "savepoint_marker")).toBe(1);
  });
});
