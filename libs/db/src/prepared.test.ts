import { afterAll, beforeAll, describe, expect, it } from "vitest";
import postgres from "postgres";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import { createTestDatabase } from "@wms/testing";
import { alwaysPrepared } from "./prepared.js";

describe("alwaysPrepared", () => {
  let database: { url: string; drop: () => Promise<void> };
  let client: postgres.Sql;

  beforeAll(async () => {
    database = await createTestDatabase("prepared");
    client = postgres(database.url, { max: 1, onnotice: () => undefined }); // one connection: its prepared statements are visible below
  });
  afterAll(async () => {
    await client.end({ timeout: 2 });
    await database.drop();
  });

  /** Prepared statements of the one connection whose text contains `marker`. */
  const preparedWith = async (marker: string) =>
    (await client<{ statement: string }[]>`select statement from pg_prepared_statements`).filter((r) => r.statement.includes(marker)).length;

  it("leaves drizzle's statements unprepared without it (the control)", async () => {
    const db = drizzle(client);
    await db.execute(sql`select ${1}::int as control_marker`);
    expect(await preparedWith("control_marker")).toBe(0);
  });

  it("prepares drizzle's statements, in and out of transactions and savepoints, and reuses them", async () => {
    const db = drizzle(alwaysPrepared(client));
    const first = await db.execute<{ x: number }>(sql`select ${41}::int + 1 as plain_marker_x`);
    const second = await db.execute<{ x: number }>(sql`select ${1}::int + 1 as plain_marker_x`);
    expect([first[0], second[0]]).toEqual([{ plain_marker_x: 42 }, { plain_marker_x: 2 }]);
    expect(await preparedWith("plain_marker")).toBe(1); // once, reused

    const inTx = await db.transaction(async (tx) => {
      const [row] = await tx.execute<{ y: number }>(sql`select ${7}::int as tx_marker_y`);
      const nested = await tx.transaction(async (sp) => sp.execute<{ z: number }>(sql`select ${8}::int as savepoint_marker_z`));
      return [row, nested[0]];
    });
    expect(inTx).toEqual([{ tx_marker_y: 7 }, { savepoint_marker_z: 8 }]);
    expect(await preparedWith("tx_marker")).toBe(1);
    expect(await preparedWith("savepoint_marker")).toBe(1);
  });
});
