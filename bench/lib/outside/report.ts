import { formatTable, median } from "../../support.js";
import type { BaselineFigures } from "../report.js";
import type { OutsideFigures } from "./measure.js";

const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * Medians over rounds of one load; `ratio` is the median of per-round ratios, each round's
 * figure against the pgbench baseline of the same round (the same as `npm run bench`).
 */
export function summarize(runs: OutsideFigures[], baselines: BaselineFigures[]) {
  const m = (f: (r: OutsideFigures, i: number) => number) => round(median(runs.map(f)));
  return {
    tool: runs[0]!.tool,
    shape: runs[0]!.shape,
    ours_per_s: m((r) => r.per_s),
    tool_reported_per_s: m((r) => r.tool_reported_per_s),
    baseline_per_s: round(median(baselines.map((b) => b.per_s))),
    ratio: m((r, i) => (baselines[i]!.per_s > 0 ? r.per_s / baselines[i]!.per_s : 0)),
    p50_ms: m((r) => r.p50_ms),
    p99_ms: m((r) => r.p99_ms),
    p99_over_p50: m((r) => r.p99_over_p50),
    cpu_ms_per_checkout: {
      mesh: m((r) => r.cpu_ms_per_op.mesh),
      pg: m((r) => r.cpu_ms_per_op.pg),
      pg_cluster: m((r) => r.cpu_ms_per_op.pg_cluster),
      total: m((r) => r.cpu_ms_per_op.total),
      client: m((r) => r.cpu_ms_per_op.client),
    },
    baseline_cpu_ms_per_tx: { pg: round(median(baselines.map((b) => b.cpu_ms_per_tx.pg))) },
    errors: runs.reduce((a, r) => a + r.errors, 0),
    verified: runs.every((r) => r.verification.ok),
    rounds: runs,
  };
}

export type OutsideSummary = ReturnType<typeof summarize>;

const n = (x: number, digits = 1) => x.toFixed(digits);

/** The human table of a run (the JSON has everything, each round's commands included). */
export function printOutsideTable(
  o: { machine: { cores: number; cpu: string; node: string; postgres: string; load_average_at_start: number[]; load_average_at_end: number[] }; tools: Record<string, string>; configuration: { concurrency: number; window_s: number; rounds: number }; oversold: number; invariants: { ok: boolean } },
  results: Record<string, OutsideSummary>,
): void {
  const rows = Object.entries(results).map(([name, s]) => [
    name, `${n(s.ours_per_s, 0)}/s`, `${n(s.baseline_per_s, 0)}/s`, `${n(s.ratio, 3)}x`, n(s.p50_ms), n(s.p99_ms),
    n(s.cpu_ms_per_checkout.mesh, 2), n(s.cpu_ms_per_checkout.pg, 2), n(s.baseline_cpu_ms_per_tx.pg, 2), String(s.errors), s.verified ? "yes" : "NO",
  ]);
  const header = ["workload/client", "ours", "baseline", "ratio", "p50 ms", "p99 ms", "mesh CPU ms/op", "PG CPU ms/op", "baseline CPU ms/op", "errors", "verified"];
  console.log(`\nWMS mesh, measured from outside: one-process, ${o.configuration.concurrency} concurrent, ${o.configuration.window_s} s windows x ${o.configuration.rounds} round(s); ` +
    `${o.machine.cores} x ${o.machine.cpu}, node ${o.machine.node}, PostgreSQL ${o.machine.postgres}; load average ${o.machine.load_average_at_start.join(" ")} at start, ${o.machine.load_average_at_end.join(" ")} at end\n`);
  console.log(formatTable(header, rows));
  console.log("");
  for (const [name, s] of Object.entries(results)) console.log(`${name}: ${s.tool} (${o.tools[s.tool]}), ${s.shape}; the tool itself reported ${n(s.tool_reported_per_s, 0)}/s`);
  console.log(`oversold: ${o.oversold}; ledger = levels, orders = units reserved, every run's successes = orders made: ${o.invariants.ok ? "yes" : "NO"}`);
  console.log(`baseline = pgbench -c ${o.configuration.concurrency} -j 2 -M prepared, one UPDATE + one INSERT per transaction (hot_sku: 1 row, spread: 200 rows);` +
    "\nours = responses the tool counted as successes AND the database holds as orders, per second of the tool's run; PG CPU = the bench database's backends.");
}
