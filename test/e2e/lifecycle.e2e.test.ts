import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "@wms/db";
import { freePort, TEST_DATABASE_URL } from "@wms/testing";

// How a process starts and refuses to start: one embedded data directory per process, a
// missing PostgreSQL database created (or named in one line when it may not be).
const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const migrations = fileURLToPath(new URL("../../services/user/drizzle", import.meta.url));
const children: ChildProcess[] = [];
const dirs: string[] = [];

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function runService(name: string, env: Record<string, string>): Run {
  const child = spawn(process.execPath, ["--import", "tsx", "services/main.ts", name], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "info", DEMO_DATA: "false", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let output = "";
  child.stdout?.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (output += c.toString()));
  return { child, output: () => output, exited: new Promise((resolve) => child.on("exit", (code) => resolve(code))) };
}

async function ready(run: Run): Promise<void> {
  const until = Date.now() + 45_000;
  while (!run.output().includes('"msg":"ready"')) {
    const code = await Promise.race([run.exited, new Promise<"waiting">((r) => setTimeout(() => r("waiting"), 50))]);
    if (code !== "waiting") throw new Error(`exited with ${code} before ready:\n${run.output()}`);
    if (Date.now() > until) throw new Error(`not ready after 45 s:\n${run.output()}`);
  }
}

function admin(): postgres.Sql {
  return postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => undefined });
}

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("one embedded data directory per process", () => {
  it("refuses a second process on the same DATA_DIR at once, naming DATA_DIR and DATABASE_URL", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "wms-lock-"));
    dirs.push(dataDir);
    const first = runService("user", { DATA_DIR: dataDir, PORT: String(await freePort()) });
    await ready(first);

    const second = runService("shop", { DATA_DIR: dataDir, PORT: String(await freePort()) });
    expect(await second.exited, second.output()).toBe(2);
    expect(second.output()).toContain(`DATA_DIR=${dataDir}`);
    expect(second.output()).toContain("DATABASE_URL");
    expect(second.output()).toContain(`process ${first.child.pid}`);
    expect(second.output()).not.toMatch(/\n\s+at /);
    expect(first.child.exitCode).toBeNull();
    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);
  });
});

describe("a DATABASE_URL naming a database that does not exist", () => {
  const name = `wms_missing_${randomBytes(4).toString("hex")}`;
  const role = `wms_nocreate_${randomBytes(4).toString("hex")}`;
  const urlFor = (database: string, user?: string) => {
    const url = new URL(TEST_DATABASE_URL);
    url.pathname = `/${database}`;
    if (user) url.username = user;
    return url.toString();
  };
  afterAll(async () => {
    const sql = admin();
    await sql.unsafe(`drop database if exists ${name} with (force)`);
    await sql.unsafe(`drop role if exists ${role}`);
    await sql.end({ timeout: 1 });
  });

  it("is created when the role may create databases, then migrated", async () => {
    const handle = await openDatabase({ url: urlFor(name), dataDir: "unused", service: "user", migrationsFolder: migrations, poolSize: 1 });
    await handle.close();
    const sql = admin();
    try {
      expect(await sql`select 1 from pg_database where datname = ${name}`).toHaveLength(1);
    } finally {
      await sql.end({ timeout: 1 });
    }
  });

  it("stops the process with one line naming the database when the role may not create it", async () => {
    const sql = admin();
    await sql.unsafe(`create role ${role} login nocreatedb`);
    await sql.end({ timeout: 1 });
    const missing = `wms_absent_${randomBytes(4).toString("hex")}`;
    const run = runService("user", { DATA_DIR: mkdtempSync(join(tmpdir(), "wms-nodb-")), DATABASE_URL: urlFor(missing, role), PORT: String(await freePort()) });
    expect(await run.exited, run.output()).toBe(2);
    const lines = run.output().trim().split("\n");
    expect(lines.join("\n")).toContain(`"${missing}"`);
    expect(lines.join("\n")).toContain("may not create it");
    expect(run.output()).not.toMatch(/\n\s+at |"stack"/);
    expect(lines.length).toBeLessThanOrEqual(2);
  });
});
