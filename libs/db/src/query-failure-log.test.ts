import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { createLogger } from "@wms/logging";
import { captureLog, createTestDatabase } from "@wms/testing";
import { openDatabase, type DatabaseHandle } from "./open.js";
import { statementName } from "./prepared.js";

// A failed statement is logged by its prepared-statement name and SQLSTATE, never by its text
// or its values; an error logged further up (the RPC's "rpc failed") carries no values either.

const SECRET_LOGIN = "victim.login@example.com";
const SECRET_REFERENCE = "psp-ref-8812-secret";
const INSERT = 'insert into "logins" ("login", "reference") values ($1, $2)';

describe("failed queries in the logs", () => {
  let database: { url: string; drop: () => Promise<void> };
  let handle: DatabaseHandle;
  const out = captureLog();
  const logger = createLogger("user", "debug", out.stream);

  beforeAll(async () => {
    database = await createTestDatabase("query_failure_log");
    // A one-statement migration so openDatabase runs as a service would (pool, observer, logger).
    const migrations = mkdtempSync(join(tmpdir(), "wms-migrations-"));
    mkdirSync(join(migrations, "meta"));
    writeFileSync(join(migrations, "0000_init.sql"), 'CREATE TABLE "logins" ("login" text PRIMARY KEY, "reference" text NOT NULL);');
    writeFileSync(
      join(migrations, "meta", "_journal.json"),
      JSON.stringify({ version: "7", dialect: "postgresql", entries: [{ idx: 0, version: "7", when: 1, tag: "0000_init", breakpoints: true }] }),
    );
    handle = await openDatabase({ url: database.url, dataDir: ".data", service: "qlog", migrationsFolder: migrations, poolSize: 2, statementTimeoutMs: 200, logger });
  });
  afterAll(async () => {
    await handle.close();
    await database.drop();
  });

  it("a unique violation: statement name and 23505, no SQL text and no value", async () => {
    await handle.db.execute(sql`insert into "logins" ("login", "reference") values (${SECRET_LOGIN}, ${SECRET_REFERENCE})`);
    const failed = await handle.db.execute(sql`insert into "logins" ("login", "reference") values (${SECRET_LOGIN}, ${SECRET_REFERENCE})`).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failed).toBeInstanceOf(Error);
    // The same error as an RPC would log it (the unexpected-failure path).
    logger.error({ err: failed }, "rpc failed");

    const records = out.records();
    const line = records.find((r) => r.msg === "query failed" && r.code === "23505");
    expect(line).toMatchObject({ statement: statementName(INSERT), code: "23505", operation: "INSERT", table: "logins", level: 20 });
    expect(line?.statement).toMatch(/^wms_[A-Za-z0-9_-]{27}$/);
    const rpc = records.find((r) => r.msg === "rpc failed");
    expect(rpc?.err).toMatchObject({ message: "database query failed", cause: { message: "database error 23505", code: "23505", constraint: "logins_pkey", table: "logins" } });

    const raw = out.raw();
    for (const leaked of [SECRET_LOGIN, SECRET_REFERENCE, "insert into", "values ("]) expect(raw).not.toContain(leaked);
  });

  it("a statement timeout: a warning with its name and 57014", async () => {
    const failed = await handle.db.execute(sql`select pg_sleep(${5})`).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failed).toBeInstanceOf(Error);
    const line = out.records().find((r) => r.msg === "query failed" && r.code === "57014");
    expect(line).toMatchObject({ code: "57014", operation: "SELECT", level: 40 });
    expect(String(line?.statement)).toMatch(/^wms_/);
    expect(out.raw()).not.toContain("pg_sleep");
  });
});
