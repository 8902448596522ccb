import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/node-postgres";
import { createTestDatabase } from "@wms/testing";
import { FailFastPool } from "./pool.js";

describe("FailFastPool's guard of a checked-out connection", () => {
  let database: { url: string; drop: () => Promise<void> };
  let pool: FailFastPool;

  beforeAll(async () => {
    database = await createTestDatabase("pool_guard");
    pool = new FailFastPool(database.url, { poolSize: 1 });
  });
  afterAll(async () => {
    await pool.end();
    await database.drop();
  });

  it("wraps a connection's query once, however many transactions it runs", async () => {
    const db = drizzle(pool);
    const seen = new Set<unknown>();
    for (let i = 0; i < 30; i++) {
      const got = await db.transaction(async (tx) => (await tx.execute<{ n: number }>(sql`select ${i}::int as n`)).rows[0]?.n);
      expect(got).toBe(i);
      const client = await pool.connect();
      seen.add(client.query);
      client.release();
    }
    // One connection, one wrapper: a wrapper per checkout would nest and every statement walk them all.
    expect(pool.totalCount).toBe(1);
    expect(seen.size).toBe(1);
  });

  it("releases once: a second release of the same checkout is harmless", async () => {
    const client = await pool.connect();
    client.release();
    client.release();
    const again = await pool.connect();
    expect((await again.query<{ one: number }>("select 1 as one")).rows).toEqual([{ one: 1 }]);
    again.release();
    expect(pool.totalCount).toBe(1);
  });
});
