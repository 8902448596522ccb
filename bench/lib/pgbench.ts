import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import postgres from "postgres";
import { Meter, type CpuSplit } from "./meter.js";
import { processTree, readCpu, cpuBetween } from "./proc.js";

/**
 * The database's own one-transaction-per-buyer ceiling: pgbench clients each running
 *   BEGIN; UPDATE level SET reserved = reserved + 1 WHERE id = :id AND on_hand - reserved >= 1;
 *          INSERT INTO movement ...; END;
 * with prepared statements, on tables in their own schema of the bench database.
 */
export const BASELINE_SCHEMA = "bench_baseline";

export async function createBaselineTables(databaseUrl: string, rows: number): Promise<void> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => undefined });
  try {
    await sql.unsafe(`
      create schema if not exists ${BASELINE_SCHEMA};
      create table if not exists ${BASELINE_SCHEMA}.levels (
        id int primary key, on_hand bigint not null, reserved bigint not null default 0,
        check (reserved >= 0 and reserved <= on_hand));
      create table if not exists ${BASELINE_SCHEMA}.movements (
        id bigserial primary key, level_id int not null references ${BASELINE_SCHEMA}.levels (id),
        kind text not null, quantity bigint not null, create_time timestamptz not null default now());
      insert into ${BASELINE_SCHEMA}.levels (id, on_hand) select g, 1000000000 from generate_series(1, ${rows}) g
        on conflict (id) do nothing;`);
  } finally {
    await sql.end({ timeout: 2 });
  }
}

export function baselineScript(rows: number): string {
  return [
    rows === 1 ? "\\set id 1" : `\\set id random(1, ${rows})`,
    "BEGIN;",
    `UPDATE ${BASELINE_SCHEMA}.levels SET reserved = reserved + 1 WHERE id = :id AND on_hand - reserved >= 1;`,
    `INSERT INTO ${BASELINE_SCHEMA}.movements (level_id, kind, quantity) VALUES (:id, 'RESERVE', 1);`,
    "END;",
    "",
  ].join("\n");
}

export interface BaselineResult {
  /** Transactions completed inside the window. */
  transactions: number;
  latencies: number[];
  cpu: CpuSplit;
  /** pgbench's own CPU (the client), ms. */
  clientMs: number;
  command: string;
}

/**
 * Runs pgbench for warm-up + window (+ a tail so its connections outlive the window), with a
 * per-transaction log; counts transactions and latencies of those that ended inside the window.
 */
export async function runPgbench(o: PgbenchOptions): Promise<BaselineResult> {
  // A shared server may be short of connections for a moment (other users' tests): try again.
  for (let attempt = 1; ; attempt++) {
    try {
      return await runPgbenchOnce(o);
    } catch (err) {
      if (attempt >= 4 || !/too many clients/.test((err as Error).message)) throw err;
      process.stderr.write(`pgbench: PostgreSQL is out of connections; retrying in 5 s\n`);
      await sleep(5_000);
    }
  }
}

interface PgbenchOptions {
  databaseUrl: string;
  rows: number;
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  meter: Meter;
}

async function runPgbenchOnce(o: PgbenchOptions): Promise<BaselineResult> {
  const dir = mkdtempSync(join(tmpdir(), "wms-pgbench-"));
  try {
    const script = join(dir, "reserve.sql");
    writeFileSync(script, baselineScript(o.rows));
    const url = new URL(o.databaseUrl);
    const seconds = Math.ceil((o.warmupMs + o.durationMs) / 1000) + 2;
    const args = [
      "-n", "-M", "prepared", "-c", String(o.concurrency), "-j", "2", "-T", String(seconds), "-f", script,
      "-l", "--log-prefix", join(dir, "tx"),
      "-h", url.hostname, "-p", url.port || "5432", "-U", decodeURIComponent(url.username || "postgres"), url.pathname.slice(1),
    ];
    const child = spawn("pgbench", args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, PGPASSWORD: decodeURIComponent(url.password) } });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number>((resolve, reject) => {
      child.once("error", reject);
      child.once("exit", (code) => resolve(code ?? 1));
    });
    await sleep(o.warmupMs);
    const clientPids = () => processTree(child.pid!).map((p) => p.pid);
    const clientBefore = readCpu(clientPids());
    const before = await o.meter.snapshot();
    const startEpochMs = Date.now();
    await sleep(o.durationMs);
    const after = await o.meter.snapshot();
    const endEpochMs = Date.now();
    const clientMs = cpuBetween(clientBefore, readCpu(clientPids()));
    const code = await exited;
    if (code !== 0) throw new Error(`pgbench failed (${code}): ${output.slice(-2000)}`);
    const latencies: number[] = [];
    for (const file of readdirSync(dir).filter((f) => f.startsWith("tx"))) {
      for (const line of readFileSync(join(dir, file), "utf8").split("\n")) {
        // client_id transaction_no time_us script_no time_epoch time_us_of_epoch
        const f = line.split(" ");
        if (f.length < 6) continue;
        const endMs = Number(f[4]) * 1000 + Number(f[5]) / 1000;
        if (endMs >= startEpochMs && endMs <= endEpochMs) latencies.push(Number(f[2]) / 1000);
      }
    }
    return {
      transactions: latencies.length,
      latencies,
      cpu: Meter.between(before, after),
      clientMs,
      command: `pgbench ${args.join(" ").replaceAll(`${dir}/`, "")}`,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
