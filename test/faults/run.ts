import { cpus, loadavg } from "node:os";
import { defaultReplicas } from "../../services/launcher.js";
import { startEnvironment, type FaultEnvironment, type MeshSettings } from "./environment.js";
import { Load } from "./load.js";
import { Phases, type PhaseResult } from "./phases.js";
import { connectClients, seedWorld, type Clients } from "./world.js";
import type { Check } from "./invariants.js";

// `npm run test:faults`: faults injected into the multi-process mesh (`npm run mesh`'s
// processes) on a PostgreSQL cluster and three Redis nodes of its own, under a steady bounded
// load from loopback; after each fault the invariants are checked in the database. Prints a
// summary table and exits 0 only when every check of every fault passed. Not part of
// `npm test`: it takes a few minutes and starts a dozen processes.

const settings: MeshSettings = {
  // Three order and three warehouse replicas, so three sweepers of each kind run side by side;
  // the other services as npm run mesh runs them.
  replicas: { ...defaultReplicas, warehouse: 3, order: 3 },
  // Short, so checkouts left unpaid lapse within each phase and the sweepers work throughout.
  reservationTtlMs: 5_000,
  stalePendingAfterMs: 10_000,
  shutdownGraceMs: 3_000,
};
const DEADLINE_MS = 4_000;
/** The whole run's bound: a hung fault must not hold the machine. */
const MAX_RUN_MS = 9 * 60_000;

const started = Date.now();
const say = (line: string) => process.stdout.write(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${line}\n`);

// launchMesh guards each process it starts (and restarts) with an exit listener.
process.setMaxListeners(50);
let env: FaultEnvironment | undefined;
let clients: Clients | undefined;
let cleaning: Promise<void> | undefined;
const cleanup = () => (cleaning ??= (async () => {
  clients?.close();
  await env?.destroy();
})());
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    say(`${signal}: stopping every process started`);
    void cleanup().then(() => process.exit(130));
  });
}
const watchdog = setTimeout(() => {
  say(`still running after ${MAX_RUN_MS / 60_000} min: giving up`);
  void cleanup().then(() => process.exit(1));
}, MAX_RUN_MS);

let code = 1;
try {
  env = await startEnvironment(settings, say);
  clients = connectClients(env.mesh.addresses);
  say("seeding a seller, two warehouses, six products and four buyers through the API");
  const world = await seedWorld(clients, { products: 6, buyers: 4 });
  const load = new Load(clients, world, env.mesh.restUrl, DEADLINE_MS, settings.reservationTtlMs - 1_500);
  const phases = new Phases(env, load, say);
  await phases.baseline();
  await phases.sigkill();
  await phases.redis();
  await phases.postgres();
  await phases.sweepers();
  await phases.sigterm();
  const leaks = env.log.leaks;
  const closing: Check[] = [
    await phases.final(),
    { name: "no stack trace, SQL, token, idempotency key or payment reference in the mesh's logs", ok: leaks.length === 0, detail: leaks.length ? `${leaks.length} lines, e.g. ${leaks[0]}` : `${env.log.lines} lines read, ${env.log.errors.length} at error level` },
  ];
  for (const c of closing) say(`  ${c.ok ? "ok  " : "FAIL"} ${c.name}: ${c.detail}`);
  printSummary(phases.results, closing);
  code = phases.results.every((r) => r.checks.every((c) => c.ok)) && closing.every((c) => c.ok) ? 0 : 1;
} catch (err) {
  say(`the suite could not run: ${(err as Error).stack ?? String(err)}`);
  if (env) process.stdout.write(`last process output:\n${env.log.tail.slice(-40).join("\n")}\n`);
} finally {
  clearTimeout(watchdog);
  await cleanup();
}
say(`done in ${((Date.now() - started) / 1000).toFixed(0)} s (load average now ${loadavg().map((n) => n.toFixed(1)).join(", ")} on ${cpus().length} cores)`);
process.exit(code);

function printSummary(results: PhaseResult[], closing: Check[]): void {
  const rows = results.map((r, i) => {
    const outcomes = r.stats.flatMap((s) => s.outcomes);
    const failed = new Map<string, number>();
    for (const o of outcomes) if (o.code !== "OK") failed.set(o.code, (failed.get(o.code) ?? 0) + 1);
    const passed = r.checks.filter((c) => c.ok).length;
    return [
      String(i + 1),
      r.fault,
      String(outcomes.filter((o) => o.code === "OK").length),
      [...failed].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(", ") || "0",
      `${passed}/${r.checks.length}`,
      `${r.seconds.toFixed(0)} s`,
      passed === r.checks.length ? "pass" : "FAIL",
    ];
  });
  const header = ["#", "fault injected", "accepted", "failed (by code)", "checks", "time", "result"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  process.stdout.write(`\nFault injection summary\n${line(header)}\n| ${widths.map((w) => "-".repeat(w)).join(" | ")} |\n${rows.map(line).join("\n")}\n`);
  process.stdout.write(`\nInvariants checked after every fault: every process running again; no INTERNAL or other unexpected code, none past its ${DEADLINE_MS} ms deadline; levels = ledger and reserved = HELD allocations; no reservation released or committed twice; every order agrees with its reservation (stuck sagas resolved by the sweeper); every write answered OK present.\n`);
  for (const c of closing) process.stdout.write(`After the last fault: ${c.name}: ${c.ok ? "pass" : "FAIL"} (${c.detail}).\n`);
  const failedChecks = [...results.flatMap((r) => r.checks.filter((c) => !c.ok).map((c) => `${r.fault}: ${c.name}: ${c.detail}`)), ...closing.filter((c) => !c.ok).map((c) => `after the last fault: ${c.name}: ${c.detail}`)];
  if (failedChecks.length) process.stdout.write(`\nFailed checks:\n  ${failedChecks.join("\n  ")}\n`);
  // The closing line counts checks, in the form test runners end with.
  const all = [...results.flatMap((r) => r.checks), ...closing];
  const passed = all.filter((c) => c.ok).length;
  process.stdout.write(`\nfaults: ${passed} passed, ${all.length - passed} failed\n`);
}
