/**
 * Preloaded into the mesh by `npm run bench:trace-checkout` (node --import tsx --import this):
 * counts, per process, what one checkout costs. Never loaded by the product itself.
 *   - every write to a PostgreSQL socket, decoded (Parse/Bind/Execute/Sync, simple queries, the
 *     statement texts, which service's pool sent them by application_name);
 *   - every write to a Redis socket, decoded to command names;
 *   - gRPC calls made (grpc-js Client.makeUnaryRequest) and served (the "rpc" log lines);
 *   - WebCrypto signatures and verifications (jose signs and verifies tokens through them);
 *   - log lines written to stdout/stderr.
 * On SIGUSR2 the counts since the last signal are written (atomically) to TRACE_OUT and reset.
 */
import fs from "node:fs";
import net from "node:net";
import grpc from "@grpc/grpc-js";
import { inProcessCallCount } from "@wms/grpc";
import { decodePgFrontend, decodeRespCommands } from "./counters.js";

const pgPort = Number(process.env.TRACE_PG_PORT ?? 5432);
const redisPorts = new Set((process.env.TRACE_REDIS_PORTS ?? "6379").split(",").map(Number));
const out = process.env.TRACE_OUT;

export interface TraceCounts {
  pg: {
    writes: number;
    parse: number;
    parseNamed: number;
    bind: number;
    execute: number;
    sync: number;
    simpleQueries: number;
    /** Every statement executed, in order: who sent it, its text, and whether it ran as a prepared (already parsed) statement. */
    statements: Array<{ by: string; sql: string; reusedPrepared: boolean }>;
  };
  redis: { writes: number; commands: Record<string, number> };
  grpcClient: Record<string, number>;
  /** Calls made inside the mesh in-process (libs/grpc in-process.ts), not over the wire. */
  grpcInProcess: number;
  grpcServer: Record<string, number>;
  crypto: { sign: number; verify: number };
  logLines: Record<string, number>;
}

const fresh = (): TraceCounts => ({
  pg: { writes: 0, parse: 0, parseNamed: 0, bind: 0, execute: 0, sync: 0, simpleQueries: 0, statements: [] },
  redis: { writes: 0, commands: {} },
  grpcClient: {},
  grpcInProcess: 0,
  grpcServer: {},
  crypto: { sign: 0, verify: 0 },
  logLines: {},
});
let counts = fresh();
let inProcessAtReset = 0;
const bump = (m: Record<string, number>, k: string, n = 1) => (m[k] = (m[k] ?? 0) + n);

// Statement texts by name on each connection (the unnamed one "" is reused by every statement), and the pool behind each socket.
const preparedText = new WeakMap<net.Socket, Map<string, string>>();
const socketOwner = new WeakMap<net.Socket, string>();
// Statements parsed on a socket and not yet bound: a Bind without its own Parse reuses a prepared statement.
const parsedUnbound = new WeakMap<net.Socket, Set<string>>();

const originalWrite = net.Socket.prototype.write;
net.Socket.prototype.write = function patchedWrite(this: net.Socket, chunk: unknown, ...rest: unknown[]) {
  try {
    if (this.remotePort === pgPort && (Buffer.isBuffer(chunk) || chunk instanceof Uint8Array)) recordPg(this, Buffer.from(chunk as Uint8Array));
    else if (this.remotePort !== undefined && redisPorts.has(this.remotePort)) {
      counts.redis.writes += 1;
      for (const c of decodeRespCommands(Buffer.isBuffer(chunk) ? chunk.toString("latin1") : String(chunk))) bump(counts.redis.commands, c);
    }
  } catch {
    // counting must never break the mesh
  }
  return (originalWrite as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
} as typeof net.Socket.prototype.write;

function recordPg(socket: net.Socket, buf: Buffer): void {
  counts.pg.writes += 1;
  const parsed = parsedUnbound.get(socket) ?? new Set<string>();
  parsedUnbound.set(socket, parsed);
  const texts = preparedText.get(socket) ?? new Map<string, string>();
  preparedText.set(socket, texts);
  for (const m of decodePgFrontend(buf)) {
    const by = socketOwner.get(socket) ?? "?";
    switch (m.type) {
      case "startup":
        socketOwner.set(socket, (m.params.application_name ?? "?").replace(/^wms-/, ""));
        break;
      case "parse":
        counts.pg.parse += 1;
        if (m.statement !== "") counts.pg.parseNamed += 1;
        texts.set(m.statement, m.sql);
        parsed.add(m.statement);
        break;
      case "bind": {
        counts.pg.bind += 1;
        counts.pg.statements.push({ by, sql: texts.get(m.statement) ?? "?", reusedPrepared: !parsed.has(m.statement) });
        parsed.delete(m.statement);
        break;
      }
      case "query":
        counts.pg.simpleQueries += 1;
        counts.pg.statements.push({ by, sql: m.sql, reusedPrepared: false });
        break;
      case "execute":
        counts.pg.execute += 1;
        break;
      case "sync":
        counts.pg.sync += 1;
        break;
      default:
        break;
    }
  }
}

// Served calls and log lines: pino writes JSON lines to fd 1 through fs.write / fs.writeSync.
function countLogLines(fd: unknown, data: unknown): void {
  if (fd !== 1 && fd !== 2) return;
  const text = Buffer.isBuffer(data) ? data.toString("utf8") : typeof data === "string" ? data : "";
  for (const line of text.split("\n")) {
    if (line === "") continue;
    try {
      const entry = JSON.parse(line) as { msg?: string; rpc?: string };
      bump(counts.logLines, entry.msg ?? "?");
      if ((entry.msg === "rpc" || entry.msg === "rpc failed") && entry.rpc) bump(counts.grpcServer, entry.rpc.replace(/^\//, ""));
    } catch {
      bump(counts.logLines, "(not JSON)");
    }
  }
}
const fsWrite = fs.write;
const fsWriteSync = fs.writeSync;
(fs as { write: unknown }).write = function (this: unknown, fd: number, data: unknown, ...rest: unknown[]) {
  countLogLines(fd, data);
  return (fsWrite as (...a: unknown[]) => unknown).call(this, fd, data, ...rest);
};
(fs as { writeSync: unknown }).writeSync = function (this: unknown, fd: number, data: unknown, ...rest: unknown[]) {
  countLogLines(fd, data);
  return (fsWriteSync as (...a: unknown[]) => unknown).call(this, fd, data, ...rest);
};

const makeUnaryRequest = grpc.Client.prototype.makeUnaryRequest;
grpc.Client.prototype.makeUnaryRequest = function (this: grpc.Client, method: string, ...rest: unknown[]) {
  bump(counts.grpcClient, method.replace(/^\//, ""));
  return (makeUnaryRequest as (...a: unknown[]) => unknown).call(this, method, ...rest);
} as typeof makeUnaryRequest;

type Subtle = typeof globalThis.crypto.subtle;
const subtle = Object.getPrototypeOf(globalThis.crypto.subtle) as Subtle;
const sign = subtle.sign;
const verify = subtle.verify;
subtle.sign = function (this: Subtle, ...args: Parameters<Subtle["sign"]>) {
  counts.crypto.sign += 1;
  return sign.apply(this, args);
};
subtle.verify = function (this: Subtle, ...args: Parameters<Subtle["verify"]>) {
  counts.crypto.verify += 1;
  return verify.apply(this, args);
};

process.on("SIGUSR2", () => {
  if (!out) return;
  const snapshot = counts;
  snapshot.grpcInProcess = inProcessCallCount() - inProcessAtReset;
  inProcessAtReset = inProcessCallCount();
  counts = fresh();
  fs.writeFileSync(`${out}.tmp`, JSON.stringify(snapshot));
  fs.renameSync(`${out}.tmp`, out);
});
