import { formatTable } from "../support.js";

interface Summary {
  ours_per_s: number;
  baseline_per_s: number;
  ratio: number;
  p50_ms: number;
  p99_ms: number;
  cpu_ms_per_checkout: { mesh: number; pg: number; pg_cluster: number };
  baseline_cpu_ms_per_tx: { pg: number };
  baseline_p50_ms: number;
  failures: Record<string, number>;
}
interface Gateway {
  rest_per_s: number;
  grpc_per_s: number;
  ratio: number;
  rest_p50_ms: number;
  rest_p99_ms: number;
  grpc_p50_ms: number;
  cpu_ms_per_request: { rest_mesh: number; grpc_mesh: number; rest_pg: number };
}
interface Output {
  machine: { cpu: string; cores: number; node: string; postgres: string };
  configuration: { name: string; concurrency: number; window_s: number; rounds: number };
  oversold: number;
  invariants: { ok: boolean };
  rss_bytes_under_hot_load: Record<string, number>;
  hot_sku?: Summary;
  spread?: Summary;
  gateway?: Gateway;
  sweeper?: { rows: number; seconds: number; rows_per_s: number; cpu_ms_per_row: { mesh: number; pg: number } };
  sell_out?: { stock: number; sold: number; calls: number };
}

const n = (x: number, digits = 1) => x.toFixed(digits);

/** The human table of a run (the JSON has everything). */
export function printTable(o: Output): void {
  const rows: string[][] = [];
  for (const name of ["hot_sku", "spread"] as const) {
    const s = o[name];
    if (!s) continue;
    const failed = Object.values(s.failures).reduce((a, b) => a + b, 0);
    rows.push([name, `${n(s.ours_per_s, 0)}/s`, `${n(s.baseline_per_s, 0)}/s`, `${n(s.ratio, 3)}x`, n(s.p50_ms), n(s.p99_ms),
      n(s.cpu_ms_per_checkout.mesh, 2), n(s.cpu_ms_per_checkout.pg, 2), n(s.baseline_cpu_ms_per_tx.pg, 2), String(failed)]);
  }
  if (o.gateway) {
    const g = o.gateway;
    rows.push(["gateway (REST vs gRPC)", `${n(g.rest_per_s, 0)}/s`, `${n(g.grpc_per_s, 0)}/s`, `${n(g.ratio, 3)}x`, n(g.rest_p50_ms), n(g.rest_p99_ms),
      n(g.cpu_ms_per_request.rest_mesh, 2), n(g.cpu_ms_per_request.rest_pg, 2), `gRPC ${n(g.cpu_ms_per_request.grpc_mesh, 2)}`, "-"]);
  }
  const header = ["workload", "ours", "baseline", "ratio", "p50 ms", "p99 ms", "mesh CPU ms/op", "PG CPU ms/op", "baseline CPU ms/op", "errors"];
  console.log(`\nWMS mesh bench: ${o.configuration.name}, ${o.configuration.concurrency} concurrent, ${o.configuration.window_s} s windows x ${o.configuration.rounds} round(s); ` +
    `${o.machine.cores} x ${o.machine.cpu}, node ${o.machine.node}, PostgreSQL ${o.machine.postgres}\n`);
  console.log(formatTable(header, rows));
  if (o.sweeper) {
    const s = o.sweeper;
    console.log(`\nsweeper: ${s.rows} expired reservations released in ${n(s.seconds, 2)} s (${s.rows_per_s} rows/s); CPU per row: mesh ${n(s.cpu_ms_per_row.mesh, 3)} ms, PostgreSQL ${n(s.cpu_ms_per_row.pg, 3)} ms`);
  }
  if (o.sell_out) console.log(`sell-out: ${o.sell_out.sold} of ${o.sell_out.calls} checkouts sold ${o.sell_out.stock} units`);
  const rss = Object.entries(o.rss_bytes_under_hot_load).map(([k, v]) => `${k} ${Math.round(v / 2 ** 20)} MB`).join(", ");
  if (rss) console.log(`RSS under the hot-SKU load: ${rss}`);
  console.log(`oversold: ${o.oversold}; ledger = levels: ${o.invariants.ok ? "yes" : "NO"}`);
  console.log("baseline = pgbench -c 64 -j 2 -M prepared, one UPDATE + one INSERT per transaction (gateway: the same RPC over gRPC);" +
    "\nPG CPU = the bench database's PostgreSQL backends; ratio = ours / baseline (gateway: REST / gRPC).");
}
