import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, freePort } from "@wms/testing";
import { buildProduction } from "../../scripts/build.js";
import { restClient } from "../support/mesh.js";
import { healthCheck } from "../support/grpc-tools.js";

// What the container image runs: `npm run build`'s output under plain node (no tsx), with
// migrations applied once by `migrate` and the services started with MIGRATE=false.
const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
// Inside the repository so the bundle's external imports resolve from its node_modules.
const outDir = join(repoRoot, "node_modules", ".cache", `wms-build-test-${process.pid}`);
const dataDir = mkdtempSync(join(tmpdir(), "wms-build-"));
const running: ChildProcess[] = [];

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function runBuilt(entry: string, args: string[], env: Record<string, string>): Run {
  const child = spawn(process.execPath, ["--enable-source-maps", join(outDir, entry), ...args], {
    cwd: tmpdir(),
    env: { PATH: process.env.PATH ?? "", DATA_DIR: dataDir, LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.push(child);
  let output = "";
  child.stdout?.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitForOutput(run: Run, text: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!run.output().includes(text)) {
    const code = await Promise.race([run.exited, new Promise<"waiting">((r) => setTimeout(() => r("waiting"), 50))]);
    if (code !== "waiting") throw new Error(`exited with ${code} before "${text}":\n${run.output()}`);
    if (Date.now() > deadline) throw new Error(`no "${text}" after 30 s:\n${run.output()}`);
  }
}

async function migrationTables(url: string): Promise<string[]> {
  const sql = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    const rows = await sql<{ name: string }[]>`select table_name as name from information_schema.tables where table_schema = 'drizzle' order by 1`;
    return rows.map((r) => r.name);
  } finally {
    await sql.end({ timeout: 1 });
  }
}

describe("the production build", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    database = await createTestDatabase("build");
    await buildProduction(outDir);
  });
  afterAll(async () => {
    for (const child of running) child.kill("SIGKILL");
    await database?.drop();
    rmSync(outDir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("a service started with MIGRATE=false leaves a fresh database unmigrated", async () => {
    const fresh = await createTestDatabase("nomigrate");
    try {
      const port = await freePort();
      const user = runBuilt("main.js", ["user"], { DATABASE_URL: fresh.url, MIGRATE: "false", DEMO_DATA: "false", PORT: String(port) });
      await waitForOutput(user, '"msg":"ready"');
      expect(await migrationTables(fresh.url)).toEqual([]);
      user.child.kill("SIGTERM");
      expect(await user.exited).toBe(0);
    } finally {
      await fresh.drop();
    }
  });

  it("`migrate` applies every service's migrations, then the built services and gateway serve a login", async () => {
    const migrate = runBuilt("main.js", ["migrate"], { DATABASE_URL: database.url });
    expect(await migrate.exited, migrate.output()).toBe(0);
    expect(await migrationTables(database.url)).toEqual(["order_migrations", "product_migrations", "shop_migrations", "user_migrations", "warehouse_migrations"]);

    const userPort = await freePort();
    const user = runBuilt("main.js", [], { SERVICE: "user", DATABASE_URL: database.url, MIGRATE: "false", PORT: String(userPort) });
    await waitForOutput(user, '"msg":"ready"');
    expect(await healthCheck(`127.0.0.1:${userPort}`)).toBe("SERVING");
    const probe = runBuilt("healthcheck.js", ["user"], { PORT: String(userPort) });
    expect(await probe.exited, probe.output()).toBe(0);

    const gatewayPort = await freePort();
    const gateway = runBuilt("main.js", ["gateway"], { GATEWAY_PORT: String(gatewayPort), USER_SERVICE_ADDR: `127.0.0.1:${userPort}` });
    await waitForOutput(gateway, "gateway listening");
    const call = restClient(`http://127.0.0.1:${gatewayPort}`);
    const login = await call("POST", "/v1/users:login", { body: { login: "dmp.buyer@domain.com", password: "123456" } });
    expect(login.status, JSON.stringify(login.json)).toBe(200);
    expect(typeof login.json.accessToken).toBe("string");
    // Files the gateway reads at run time: the OpenAPI document and the reference page's assets.
    const document = await fetch(`http://127.0.0.1:${gatewayPort}/openapi.json`);
    expect([document.status, ((await document.json()) as { openapi?: string }).openapi]).toEqual([200, "3.1.0"]);
    expect((await fetch(`http://127.0.0.1:${gatewayPort}/docs/swagger-ui-bundle.js`)).status).toBe(200);

    for (const run of [gateway, user]) run.child.kill("SIGTERM");
    expect(await user.exited).toBe(0);
    expect(await gateway.exited).toBe(0);
  });

  it("names the commands when the service is unknown", async () => {
    const run = runBuilt("main.js", ["billing"], {});
    expect(await run.exited).toBe(2);
    expect(run.output()).toContain("user|shop|product|warehouse|order|gateway|migrate");
  });
});
