import { randomBytes } from "node:crypto";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { serviceNames as names, type ServiceName } from "@wms/proto/services";
import { addressVariable } from "@wms/service";
import { freePort } from "@wms/testing";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
export type MeshServiceName = ServiceName;

export interface Mesh {
  restUrl: string;
  /** The Prometheus endpoint, `http://127.0.0.1:<port>/metrics`. */
  metricsUrl: string;
  /** The line the mesh printed when ready. */
  readyLine: string;
  grpc: Record<MeshServiceName, string>;
  /** Everything the mesh printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

export interface MeshOptions {
  /** Use this embedded data directory (kept on stop) instead of a fresh one (removed on stop). */
  dataDir?: string;
}

/** The environment of a mesh on free ports: every service's port and address, and the gateway's. */
async function meshEnvironment(dataDir: string, env: Record<string, string>) {
  const ports = Object.fromEntries(await Promise.all(names.map(async (n) => [n, await freePort()] as const))) as Record<MeshServiceName, number>;
  const gatewayPort = await freePort();
  const metricsPort = await freePort();
  const grpc = Object.fromEntries(names.map((n) => [n, `127.0.0.1:${ports[n]}`])) as Record<MeshServiceName, string>;
  // Login-throttle counters of its own, should the mesh count them on a shared Redis.
  const throttlePrefix = `wms-test:${randomBytes(6).toString("hex")}`;
  const childEnv: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, GATEWAY_PORT: String(gatewayPort), METRICS_PORT: String(metricsPort), LOG_LEVEL: "warn", LOGIN_THROTTLE_KEY_PREFIX: throttlePrefix };
  for (const n of names) {
    childEnv[`${n.toUpperCase()}_PORT`] = String(ports[n]);
    childEnv[addressVariable(n)] = grpc[n];
  }
  return { childEnv: { ...childEnv, ...env }, gatewayPort, metricsPort, grpc };
}

function spawnMesh(childEnv: NodeJS.ProcessEnv) {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "services/mesh.ts"], { cwd: repoRoot, env: childEnv, stdio: ["ignore", "pipe", "pipe"] });
  const out = { text: "" };
  child.stdout?.on("data", (chunk: Buffer) => (out.text += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (out.text += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, out, exited };
}

/**
 * Runs the mesh with `env` on free ports (and a fresh data directory) until it exits by itself
 * (a start-up that must fail), for at most 60 s. Its exit code and everything it printed.
 */
export async function runMeshToExit(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), "wms-e2e-"));
  try {
    const { childEnv } = await meshEnvironment(dataDir, env);
    const { child, out, exited } = spawnMesh(childEnv);
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    const code = await exited;
    clearTimeout(timer);
    return { code, output: out.text };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * Starts `services/mesh.ts` (what `npm start` runs) as its own process on free ports, with a
 * fresh embedded database unless `env` sets DATABASE_URL, and waits for its ready line.
 */
export async function startMesh(env: Record<string, string> = {}, options: MeshOptions = {}): Promise<Mesh> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "wms-e2e-"));
  const { childEnv, gatewayPort, metricsPort, grpc } = await meshEnvironment(dataDir, env);
  const { child, out, exited } = spawnMesh(childEnv);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`mesh not ready after 90 s:\n${out.text}`)), 90_000);
    const check = setInterval(() => {
      if (out.text.includes("WMS mesh ready")) {
        clearInterval(check);
        clearTimeout(timer);
        resolve();
      }
    }, 50);
    void exited.then((code) => {
      clearInterval(check);
      clearTimeout(timer);
      reject(new Error(`mesh exited with ${code} before ready:\n${out.text}`));
    });
  });
  return {
    restUrl: `http://127.0.0.1:${gatewayPort}`,
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    readyLine: out.text.split("\n").find((line) => line.includes("WMS mesh ready")) ?? "",
    grpc,
    output: () => out.text,
    async stop() {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(timer);
      if (options.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A small REST client for the gateway: JSON in, status and JSON out. */
export function restClient(baseUrl: string) {
  return async function call(method: string, path: string, opts: { body?: unknown; token?: string; rawBody?: string } = {}) {
    const headers: Record<string, string> = {};
    if (opts.body !== undefined || opts.rawBody !== undefined) headers["content-type"] = "application/json";
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      body: opts.rawBody ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
    });
    const text = await res.text();
    let json: Record<string, unknown> = {};
    try {
      json = text === "" ? {} : (JSON.parse(text) as Record<string, unknown>);
    } catch {
      json = { raw: text };
    }
    return { status: res.status, json };
  };
}

/** The ErrorInfo reason inside a google.rpc.Status JSON body. */
export function errorReason(body: Record<string, unknown>): string | undefined {
  const details = (body.details ?? []) as Array<Record<string, unknown>>;
  const info = details.find((d) => String(d["@type"]).endsWith("google.rpc.ErrorInfo"));
  return info?.reason as string | undefined;
}
