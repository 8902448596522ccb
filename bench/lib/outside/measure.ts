import { setTimeout as sleep } from "node:timers/promises";
import { Meter } from "../meter.js";
import { cpuPerOp } from "../report.js";
import { CHECKOUT_PATH } from "./h2load.js";
import type { OutsideLoad, ToolProcess } from "./loads.js";
import { logSize, made, readLogFrom, rpcOutcomes, type OutcomeReader } from "./outcomes.js";
import { runTool, shellCommand, type ToolRun } from "./tools.js";

export interface MeasureEnv {
  meter: Meter;
  outcomes: OutcomeReader;
  meshLog: string;
  concurrency: number;
  warmupMs: number;
  durationMs: number;
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Runs the processes of one run side by side; any that fails fails the run. */
async function runAll(processes: ToolProcess[]): Promise<ToolRun[]> {
  const runs = await Promise.all(processes.map((p) => runTool(p.command, p.args)));
  runs.forEach((r, i) => {
    if (r.code !== 0) throw new Error(`${processes[i]!.command} exited ${r.code}: ${(r.stderr || r.stdout).slice(-1500)}`);
  });
  return runs;
}

/**
 * One figure of an outside tool: a warm-up run (not counted), then a run of the window's length
 * between two CPU snapshots. The tool's own counts and latencies are then checked against what
 * the database holds (orders made, units reserved) and what the mesh logged for each call, once
 * the calls the tool left in flight have ended.
 */
export async function measureLoad(env: MeasureEnv, load: OutsideLoad, round_: number) {
  const seconds = (ms: number) => Math.max(1, Math.round(ms / 1000));
  await runAll(load.processes(seconds(env.warmupMs), `warm${round_}-${Date.now()}`));
  const before = await env.outcomes.settled(load.skus);
  const logOffset = logSize(env.meshLog);
  const processes = load.processes(seconds(env.durationMs), `run${round_}-${Date.now()}`);
  const cpuBefore = await env.meter.snapshot();
  const runs = await runAll(processes);
  const cpuAfter = await env.meter.snapshot();
  const after = await env.outcomes.settled(load.skus);
  const client = load.read(runs, processes);
  const m = made(before, after);
  // pino writes through a pipe: give the last lines a moment to reach the file.
  let server = rpcOutcomes(readLogFrom(env.meshLog, logOffset), CHECKOUT_PATH);
  for (let i = 0; i < 20 && sum(server) < m.orders + m.failedOrders; i++) {
    await sleep(150);
    server = rpcOutcomes(readLogFrom(env.meshLog, logOffset), CHECKOUT_PATH);
  }

  // A success the tool counted must be an order in the database; the database may hold a few
  // more (calls the tool left in flight when its time was up, answered after it closed).
  const verifiedOk = Math.min(client.responses, m.orders);
  const notMade = client.responses - verifiedOk;
  const unanswered = m.orders - verifiedOk;
  const serverOk = server.OK ?? 0;
  const serverFailures = Object.fromEntries(Object.entries(server).filter(([k]) => k !== "OK"));
  const problems: string[] = [];
  if (notMade > 0) problems.push(`${notMade} responses counted as successes by ${load.tool} made no order (gRPC errors behind HTTP 200?)`);
  if (unanswered > env.concurrency) problems.push(`${unanswered} orders made beyond the ${client.responses} successes ${load.tool} saw (more than the ${env.concurrency} in flight at its end)`);
  if (m.reservedUnits !== m.orders) problems.push(`${m.orders} one-unit orders made but ${m.reservedUnits} units reserved on their SKUs`);
  if (serverOk !== m.orders) problems.push(`the mesh logged ${serverOk} successful checkouts, the database holds ${m.orders} new orders`);
  if (sum(serverFailures) > 0) problems.push(`${sum(serverFailures)} checkouts failed: ${JSON.stringify(serverFailures)} (the workloads have stock for millions: none should)`);
  else if (sum(client.errors) > 0) problems.push(`${load.tool} saw ${sum(client.errors)} failures: ${JSON.stringify(client.errors)}`);
  if (!after.settled) problems.push(`the database did not settle after the run (${m.pending} orders still PENDING)`);
  const cpu = Meter.between(cpuBefore, cpuAfter);
  const failures = { ...client.errors, ...prefixed("server ", serverFailures), ...(notMade > 0 ? { "HTTP 200 without an order": notMade } : {}) };
  return {
    load: load.name,
    tool: load.tool,
    shape: load.shape,
    per_s: round(verifiedOk / client.seconds),
    tool_reported_per_s: round(client.toolPerS),
    p50_ms: round(client.p50Ms),
    p99_ms: round(client.p99Ms),
    p99_over_p50: client.p50Ms > 0 ? round(client.p99Ms / client.p50Ms, 2) : 0,
    ops: verifiedOk,
    // The larger of what the client saw and what the server answered: the two count the same calls.
    errors: Math.max(sum(client.errors) + notMade, sum(serverFailures)),
    failures,
    cpu_ms_per_op: { ...cpuPerOp(cpu, verifiedOk), client: verifiedOk > 0 ? round(runs.reduce((a, r) => a + r.cpuMs, 0) / verifiedOk, 3) : 0 },
    mesh_cpu_cores: round(cpu.meshMs / cpu.wallMs, 2),
    verification: {
      tool_successes: client.responses,
      orders_made: m.orders,
      failed_orders: m.failedOrders,
      units_reserved: m.reservedUnits,
      answered_after_the_tool_left: unanswered,
      server_outcomes: server,
      ok: problems.length === 0,
      problems,
    },
    seconds: round(client.seconds, 2),
    commands: processes.map((p) => shellCommand(p.command, p.args)),
  };
}

export type OutsideFigures = Awaited<ReturnType<typeof measureLoad>>;

const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
const prefixed = (p: string, r: Record<string, number>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [`${p}${k}`, v]));
