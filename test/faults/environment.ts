import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import postgres from "postgres";
import { serviceNames, type ServiceName } from "@wms/proto/services";
import { freePort } from "@wms/testing";
import { buildProduction } from "../../scripts/build.js";
import { launchMesh, type LaunchedMesh } from "../../services/launcher.js";
import { createPrivatePostgres, type PrivatePostgres } from "../support/private-postgres.js";

// Everything the fault suite runs on, all its own: a PostgreSQL cluster on a temp data dir,
// three redis-server processes, and `npm run mesh`'s processes (the build output under node).

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

/** Ports from FAULTS_PORT_BASE upward (skipping busy ones), or free ephemeral ports without it. */
export function portPicker(base: number | undefined): () => Promise<number> {
  let next = base;
  return async () => {
    if (next === undefined) return freePort();
    for (let tries = 0; tries < 200; tries++) {
      const port = next++;
      if (await bindable(port)) return port;
    }
    throw new Error(`no free port from ${base}`);
  };
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** One in-memory redis-server that can be stopped and started again on the same port. */
export class RedisNode {
  private child: ChildProcess | undefined;
  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }
  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(): Promise<void> {
    this.child = spawn("redis-server", ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
    const until = Date.now() + 10_000;
    while (!(await redisPing(this.port))) {
      if (!this.running) throw new Error(`redis-server on ${this.port} exited at start`);
      if (Date.now() > until) throw new Error(`redis-server on ${this.port} not answering`);
      await sleep(50);
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGKILL");
    await exited;
  }
}

function redisPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (d: Buffer) => done(d.toString().startsWith("+PONG")));
    socket.once("error", () => done(false));
    socket.setTimeout(1_000, () => done(false));
  });
}

export interface FaultEnvironment {
  pg: PrivatePostgres;
  redis: RedisNode[];
  mesh: LaunchedMesh;
  databaseUrl: string;
  /** One connection to the mesh's database, for the invariant checks (reconnects by itself). */
  sql: postgres.Sql;
  /** Lines the processes printed that the suite keeps: errors, sweeper reports, the last 200. */
  log: ProcessLog;
  settings: MeshSettings;
  destroy(): Promise<void>;
}

export interface MeshSettings {
  replicas: Record<ServiceName, number>;
  reservationTtlMs: number;
  stalePendingAfterMs: number;
  shutdownGraceMs: number;
}

/** What the processes printed, reduced to what the suite reads. */
export class ProcessLog {
  readonly tail: string[] = [];
  readonly errors: string[] = [];
  /** Reservations each warehouse process's sweeper released, from its "released expired reservations" lines. */
  readonly sweptByProcess = new Map<string, number>();
  /** Orders each order process's sweeper settled (expired + paid + abandoned). */
  readonly settledByProcess = new Map<string, number>();
  /** Lines holding what a log must not: a stack trace, SQL, a token, or a key or payment reference the load sent. */
  readonly leaks: string[] = [];
  private readonly secret = new RegExp(`"stack":|Failed query|eyJ[A-Za-z0-9_-]{10,}\\.|-${process.pid}-\\d+`);

  lines = 0;

  line(line: string): void {
    this.lines += 1;
    this.tail.push(line);
    if (this.tail.length > 200) this.tail.shift();
    const [name, json] = [line.slice(0, line.indexOf(" | ")).trim(), line.slice(line.indexOf(" | ") + 3)];
    if (!json.startsWith("{")) return;
    if (this.secret.test(json)) this.leaks.push(line.slice(0, 400));
    if (json.includes('"level":50') || json.includes('"level":60')) this.errors.push(line.slice(0, 400));
    const released = /"released":(\d+).*"msg":"released expired reservations"/.exec(json);
    if (released) this.sweptByProcess.set(name, (this.sweptByProcess.get(name) ?? 0) + Number(released[1]));
    if (json.includes('"msg":"order sweep"')) {
      const n = ["expired", "paid", "abandoned"].reduce((sum, k) => sum + Number(new RegExp(`"${k}":(\\d+)`).exec(json)?.[1] ?? 0), 0);
      this.settledByProcess.set(name, (this.settledByProcess.get(name) ?? 0) + n);
    }
  }
}

/**
 * Starts PostgreSQL, three Redis nodes and the mesh (three order and three warehouse replicas,
 * so three sweepers of each kind run at once; one of each other service; the gateway). On a
 * failure part-way, what was started is stopped again before the error is thrown.
 */
export async function startEnvironment(settings: MeshSettings, say: (line: string) => void): Promise<FaultEnvironment> {
  const nextPort = portPicker(process.env.FAULTS_PORT_BASE ? Number(process.env.FAULTS_PORT_BASE) : undefined);
  const outDir = join(repoRoot, "node_modules", ".cache", `wms-faults-${process.pid}`);
  const dataDir = mkdtempSync(join(tmpdir(), "wms-faults-"));
  const log = new ProcessLog();
  let pg: PrivatePostgres | undefined;
  const redis: RedisNode[] = [];
  let mesh: LaunchedMesh | undefined;
  let sql: postgres.Sql | undefined;
  const destroy = async () => {
    await sql?.end({ timeout: 1 }).catch(() => undefined);
    await mesh?.stop(5_000).catch(() => undefined);
    await Promise.all(redis.map((r) => r.stop().catch(() => undefined)));
    await pg?.destroy().catch(() => undefined);
    rmSync(outDir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    say("building dist, starting PostgreSQL and three Redis nodes");
    await buildProduction(outDir);
    pg = await createPrivatePostgres({ port: await nextPort() });
    await pg.start();
    for (let i = 0; i < 3; i++) redis.push(new RedisNode(await nextPort()));
    await Promise.all(redis.map((r) => r.start()));
    const databaseUrl = pg.url.replace(/\/postgres$/, "/wms");
    const ports = {} as Record<ServiceName, number[]>;
    for (const name of serviceNames) {
      ports[name] = [];
      for (let i = 0; i < settings.replicas[name]; i++) ports[name].push(await nextPort());
    }
    const gatewayPort = await nextPort();
    say(`starting the mesh: ${Object.entries(settings.replicas).map(([s, n]) => `${n} ${s}`).join(", ")}, gateway`);
    mesh = await launchMesh({
      run: { command: process.execPath, args: ["--enable-source-maps", join(outDir, "main.js")], cwd: repoRoot },
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: databaseUrl,
        REDIS_URLS: redis.map((r) => r.url).join(","),
        DATA_DIR: dataDir,
        DEMO_DATA: "false",
        DB_POOL_SIZE: "4",
        DB_CONNECT_TIMEOUT: "1s",
        DB_STATEMENT_TIMEOUT: "3s",
        // info: the sweepers report what they released, which shows they ran side by side.
        LOG_LEVEL: "info",
        SHUTDOWN_GRACE: `${settings.shutdownGraceMs}ms`,
        RESERVATION_TTL: `${settings.reservationTtlMs}ms`,
        STALE_PENDING_AFTER: `${settings.stalePendingAfterMs}ms`,
      },
      replicas: settings.replicas,
      ports,
      gatewayPort,
      metricsPort: () => 0,
      output: (line) => log.line(line),
      startTimeoutMs: 120_000,
    });
    sql = postgres(databaseUrl, { max: 2, onnotice: () => undefined, connect_timeout: 2, idle_timeout: 1 });
    return { pg, redis, mesh, databaseUrl, sql, log, settings, destroy };
  } catch (err) {
    await destroy();
    throw new Error(`${(err as Error).message}\n${log.tail.slice(-40).join("\n")}`);
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
