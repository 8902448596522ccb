import { median, percentile } from "../support.js";
import type { LoadResult } from "./load.js";
import type { CpuSplit } from "./meter.js";
import type { BaselineResult } from "./pgbench.js";

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** CPU ms per operation, by who spent it. `pg` is the bench database's backends; `pg_cluster` every PostgreSQL process. */
export function cpuPerOp(cpu: CpuSplit, ops: number): { mesh: number; pg: number; pg_cluster: number; total: number; client: number } {
  const per = (ms: number) => (ops > 0 ? round(ms / ops, 3) : 0);
  return { mesh: per(cpu.meshMs), pg: per(cpu.pgDatabaseMs), pg_cluster: per(cpu.pgClusterMs), total: per(cpu.meshMs + cpu.pgDatabaseMs), client: per(cpu.clientMs) };
}

export function loadFigures(r: LoadResult) {
  const perSecond = r.ok / (r.cpu.wallMs / 1000);
  const p50 = percentile(r.latencies, 50);
  const p99 = percentile(r.latencies, 99);
  return {
    per_s: round(perSecond, 1),
    p50_ms: round(p50, 1),
    p99_ms: round(p99, 1),
    p99_over_p50: p50 > 0 ? round(p99 / p50) : 0,
    ops: r.ok,
    failures: r.failures,
    cpu_ms_per_op: cpuPerOp(r.cpu, r.ok),
    mesh_cpu_cores: round(r.cpu.meshMs / r.cpu.wallMs),
  };
}

export function baselineFigures(b: BaselineResult) {
  return {
    per_s: round(b.transactions / (b.cpu.wallMs / 1000), 1),
    p50_ms: round(percentile(b.latencies, 50), 1),
    p99_ms: round(percentile(b.latencies, 99), 1),
    transactions: b.transactions,
    cpu_ms_per_tx: { ...cpuPerOp(b.cpu, b.transactions), client: round(b.clientMs / Math.max(1, b.transactions), 3) },
    command: b.command,
  };
}

export type LoadFigures = ReturnType<typeof loadFigures>;
export type BaselineFigures = ReturnType<typeof baselineFigures>;

/** Medians over rounds; the ratio is the median of per-round ratios (each round's pair ran back to back). */
export function checkoutSummary(rounds: Array<{ ours: LoadFigures; baseline: BaselineFigures }>) {
  const m = (f: (r: (typeof rounds)[number]) => number) => round(median(rounds.map(f)), 3);
  return {
    ours_per_s: m((r) => r.ours.per_s),
    baseline_per_s: m((r) => r.baseline.per_s),
    ratio: m((r) => (r.baseline.per_s > 0 ? r.ours.per_s / r.baseline.per_s : 0)),
    p50_ms: m((r) => r.ours.p50_ms),
    p99_ms: m((r) => r.ours.p99_ms),
    p99_over_p50: m((r) => r.ours.p99_over_p50),
    cpu_ms_per_checkout: {
      mesh: m((r) => r.ours.cpu_ms_per_op.mesh),
      pg: m((r) => r.ours.cpu_ms_per_op.pg),
      pg_cluster: m((r) => r.ours.cpu_ms_per_op.pg_cluster),
      total: m((r) => r.ours.cpu_ms_per_op.total),
    },
    baseline_cpu_ms_per_tx: {
      pg: m((r) => r.baseline.cpu_ms_per_tx.pg),
      pg_cluster: m((r) => r.baseline.cpu_ms_per_tx.pg_cluster),
      client: m((r) => r.baseline.cpu_ms_per_tx.client),
    },
    baseline_p50_ms: m((r) => r.baseline.p50_ms),
    baseline_p99_ms: m((r) => r.baseline.p99_ms),
    failures: rounds.reduce<Record<string, number>>((acc, r) => {
      for (const [k, v] of Object.entries(r.ours.failures)) acc[k] = (acc[k] ?? 0) + v;
      return acc;
    }, {}),
    rounds,
  };
}

export function gatewaySummary(rounds: Array<{ rest: LoadFigures; grpc: LoadFigures }>) {
  const m = (f: (r: (typeof rounds)[number]) => number) => round(median(rounds.map(f)), 3);
  return {
    rest_per_s: m((r) => r.rest.per_s),
    grpc_per_s: m((r) => r.grpc.per_s),
    ratio: m((r) => (r.grpc.per_s > 0 ? r.rest.per_s / r.grpc.per_s : 0)),
    rest_p50_ms: m((r) => r.rest.p50_ms),
    rest_p99_ms: m((r) => r.rest.p99_ms),
    grpc_p50_ms: m((r) => r.grpc.p50_ms),
    grpc_p99_ms: m((r) => r.grpc.p99_ms),
    cpu_ms_per_request: {
      rest_mesh: m((r) => r.rest.cpu_ms_per_op.mesh),
      grpc_mesh: m((r) => r.grpc.cpu_ms_per_op.mesh),
      rest_pg: m((r) => r.rest.cpu_ms_per_op.pg),
      grpc_pg: m((r) => r.grpc.cpu_ms_per_op.pg),
      // The load generator's own CPU (it shares the cores with the mesh).
      rest_client: m((r) => r.rest.cpu_ms_per_op.client),
      grpc_client: m((r) => r.grpc.cpu_ms_per_op.client),
    },
    rounds,
  };
}
