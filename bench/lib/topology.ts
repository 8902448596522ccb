import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { join, resolve } from "node:path";
import { serviceNames, type ServiceName } from "@wms/proto/services";
import { freePort } from "@wms/testing";
import { defaultReplicas, launchMesh } from "../../services/launcher.js";
import { buildProduction } from "../../scripts/build.js";

/** A process of the mesh under measurement. */
export interface MeshProcess {
  name: string;
  pid: number;
}

/** Where the bench reaches a running mesh, and how to stop it. */
export interface RunningMesh {
  config: string;
  /** The command line of each process, for the record. */
  commands: string[];
  processes: MeshProcess[];
  addresses: Record<ServiceName | "gateway", string>;
  logFile: string;
  stop(): Promise<void>;
}

export interface MeshOptions {
  databaseUrl: string;
  redisUrls: string[];
  logDir: string;
  /** Keeps the service keys (and so the tokens issued) across restarts of the mesh. */
  dataDir: string;
  /** Extra node flags (e.g. --cpu-prof) and env for every process. */
  nodeFlags?: string[];
  /** TypeScript modules loaded before the entry point (after tsx), e.g. the trace hooks. */
  preload?: string[];
  env?: NodeJS.ProcessEnv;
}

const REPO = resolve(import.meta.dirname, "../..");
const SERVICES = serviceNames;

/**
 * The configurations the bench can measure. `one-process` is `npm start` on PostgreSQL and
 * Redis: services/mesh.ts with DATABASE_URL and REDIS_URLS, all five services and the gateway
 * in one Node process. `multi-process` is `npm run mesh`: every service in its own process
 * (two order, two warehouse replicas) and the gateway, over real gRPC, through launchMesh().
 * Everything downstream (CPU, RSS, tables) sums over the processes.
 */
export const configurations: Record<string, (o: MeshOptions) => Promise<RunningMesh>> = {
  "one-process": startOneProcess,
  "multi-process": startProcessMesh,
};

/** `npm run mesh`: the build output under plain node, one process per replica, then the gateway. */
async function startProcessMesh(o: MeshOptions): Promise<RunningMesh> {
  if (o.preload?.length) throw new Error("multi-process runs the build output: preloaded modules (the trace hooks) need one-process");
  await buildProduction();
  const ports = Object.fromEntries(
    await Promise.all(SERVICES.map(async (s) => [s, await Promise.all(Array.from({ length: defaultReplicas[s] }, () => freePort()))] as const)),
  ) as Record<ServiceName, number[]>;
  const gatewayPort = await freePort();
  const logFile = join(o.logDir, "mesh.log");
  const log = createWriteStream(logFile, { flags: "a" });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: o.databaseUrl,
    REDIS_URLS: o.redisUrls.join(","),
    DATA_DIR: o.dataDir,
    DEMO_DATA: "false",
    ...o.env,
  };
  delete env.PORT;
  const args = [...(o.nodeFlags ?? []), "--enable-source-maps", join(REPO, "dist/main.js")];
  const mesh = await launchMesh({
    run: { command: process.execPath, args, cwd: REPO },
    env,
    ports,
    gatewayPort,
    metricsPort: () => 0, // each process's Prometheus endpoint stays on, on a free port
    output: (line) => log.write(`${line}\n`),
  });
  return {
    config: "multi-process",
    commands: [...new Set(mesh.processes.map((p) => `DATABASE_URL=… REDIS_URLS=${o.redisUrls.join(",")} DEMO_DATA=false node ${args.join(" ")} ${p.role}`))],
    processes: mesh.processes.map((p) => ({ name: p.name, pid: p.pid! })),
    addresses: { ...mesh.addresses, gateway: mesh.restUrl },
    logFile,
    stop: async () => {
      await mesh.stop(15_000);
      log.end();
    },
  };
}

async function startOneProcess(o: MeshOptions): Promise<RunningMesh> {
  const ports = Object.fromEntries(await Promise.all([...SERVICES, "gateway", "metrics"].map(async (s) => [s, await freePort()] as const))) as Record<
    ServiceName | "gateway" | "metrics",
    number
  >;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: o.databaseUrl,
    REDIS_URLS: o.redisUrls.join(","),
    DATA_DIR: o.dataDir, // the service keys, made on first start
    DEMO_DATA: "false",
    GATEWAY_PORT: String(ports.gateway),
    METRICS_PORT: String(ports.metrics), // Prometheus /metrics stays on, as deployed, on a port of its own
    ...Object.fromEntries(SERVICES.flatMap((s) => [[`${s.toUpperCase()}_PORT`, String(ports[s])], [`${s.toUpperCase()}_SERVICE_ADDR`, `127.0.0.1:${ports[s]}`]])),
    ...o.env,
  };
  delete env.PORT;
  // `npm start` is `tsx services/mesh.ts`; `node --import tsx` is the same loader without the
  // tsx CLI's relaying parent process, so the pid measured is the one doing the work.
  const args = [...(o.nodeFlags ?? []), "--import", "tsx", ...(o.preload ?? []).flatMap((m) => ["--import", m]), "services/mesh.ts"];
  const logFile = join(o.logDir, "mesh.log");
  const child = await spawnUntilReady("mesh", args, env, logFile, /WMS mesh ready/);
  const stop = () => stopChild(child);
  return {
    config: "one-process",
    commands: [`DATABASE_URL=… REDIS_URLS=${o.redisUrls.join(",")} DEMO_DATA=false node ${args.join(" ")}`],
    processes: [{ name: "mesh", pid: child.pid! }],
    addresses: {
      ...(Object.fromEntries(SERVICES.map((s) => [s, `127.0.0.1:${ports[s]}`])) as Record<ServiceName, string>),
      gateway: `http://127.0.0.1:${ports.gateway}`,
    },
    logFile,
    stop,
  };
}

/** Spawns node with `args`, its output to `logFile`, and waits for `ready` on stdout (60 s). */
function spawnUntilReady(name: string, args: string[], env: NodeJS.ProcessEnv, logFile: string, ready: RegExp): Promise<ChildProcess> {
  const log = createWriteStream(logFile, { flags: "a" });
  const child = spawn(process.execPath, args, { cwd: REPO, env, stdio: ["ignore", "pipe", "pipe"] });
  child.stderr!.pipe(log);
  return new Promise((resolveReady, reject) => {
    let seen = "";
    let done = false;
    const timer = setTimeout(() => fail(new Error(`${name} not ready after 60 s; see ${logFile}`)), 60_000);
    const fail = (err: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(err);
    };
    child.stdout!.on("data", (chunk: Buffer) => {
      log.write(chunk);
      if (done) return;
      seen = (seen + chunk.toString("utf8")).slice(-4096);
      if (ready.test(seen)) {
        done = true;
        clearTimeout(timer);
        resolveReady(child);
      }
    });
    child.once("exit", (code, signal) => fail(new Error(`${name} exited (${code ?? signal}) before it was ready; see ${logFile}`)));
  });
}

/** SIGTERM (the mesh drains and exits), SIGKILL after 15 s. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((done) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    child.once("exit", () => {
      clearTimeout(timer);
      done();
    });
    child.kill("SIGTERM");
  });
}
