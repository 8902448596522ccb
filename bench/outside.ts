/**
 * `npm run bench:outside [-- --quick]`: the checkout workloads of `npm run bench`, driven by load
 * generators that are not part of this repository (h2load over gRPC, wrk over REST), each
 * beside the same pgbench baseline taken in the same run. See bench/README.md.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { checkLevels, reservedUnits } from "./lib/invariants.js";
import { benchWorkspace, cleanupList, machineFacts, runToExit } from "./lib/run-support.js";
import { h2loadLoad, wrkLoad, type OutsideLoad } from "./lib/outside/loads.js";
import { measureLoad, type OutsideFigures } from "./lib/outside/measure.js";
import { parseOutsideOptions, type OutsideOptions, type OutsideWorkload } from "./lib/outside/options.js";
import { OutcomeReader } from "./lib/outside/outcomes.js";
import { printOutsideTable, summarize } from "./lib/outside/report.js";
import { installCommand, missingTools, redactCommand, shellCommand, toolVersion } from "./lib/outside/tools.js";
import { createBaselineTables, runPgbench } from "./lib/pgbench.js";
import { baselineFigures, type BaselineFigures } from "./lib/report.js";
import { meshClients, seedCatalog, type Catalog } from "./lib/seed.js";
import { configurations, type RunningMesh } from "./lib/topology.js";

const REPO = resolve(import.meta.dirname, "..");
const SPREAD_SKUS = 200;
const log = (line: string) => process.stderr.write(`[bench:outside ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

async function main(o: OutsideOptions): Promise<number> {
  const loadAtStart = loadavg().map((l) => Math.round(l * 100) / 100);
  const logDir = resolve(REPO, "bench/results/outside");
  mkdirSync(logDir, { recursive: true });
  writeFileSync(join(logDir, "mesh.log"), "");
  let mesh: RunningMesh | undefined;
  const { databaseUrl, dir: dir, meter } = await benchWorkspace({ name: "bench_outside", keepDb: o.keepDb, cleanups, log, meshPids: () => mesh?.processes.map((p) => p.pid) ?? [] });
  const outcomes = OutcomeReader.open(databaseUrl);
  cleanups.first(() => outcomes.close());
  await createBaselineTables(databaseUrl, SPREAD_SKUS);

  const w = { concurrency: o.concurrency, warmupMs: o.warmupMs, durationMs: o.durationMs };
  const baselines = new Map(o.only.map((n) => [n, [] as BaselineFigures[]]));
  const figures = new Map<string, { workload: OutsideWorkload; runs: OutsideFigures[] }>();
  let catalog: Catalog | undefined;
  let redact = (s: string) => s;

  for (let r = 1; r <= o.rounds; r++) {
    // As in `npm run bench`: pgbench's 64 connections and the mesh's pools do not fit in the
    // server's 100 together, so the baselines run with the mesh stopped.
    for (const name of o.only) {
      const rows = name === "hot_sku" ? 1 : SPREAD_SKUS;
      log(`round ${r}/${o.rounds} ${name}: pgbench -c ${o.concurrency} on ${rows} row(s)`);
      baselines.get(name)!.push(baselineFigures(await runPgbench({ databaseUrl: databaseUrl, rows, ...w, meter })));
    }
    log(`round ${r}/${o.rounds}: starting the mesh (one-process)`);
    mesh = await configurations["one-process"]!({ databaseUrl: databaseUrl, redisUrls: o.redisUrls, logDir, dataDir: dir, env: { LOG_LEVEL: "info" } });
    const running = mesh;
    try {
      if (!catalog) {
        const clients = meshClients(running);
        log("seeding through the API: a seller, a warehouse, products with stock, buyers");
        catalog = await seedCatalog(clients, { spreadSkus: SPREAD_SKUS, buyers: 16, sellOutStock: 0, sweepStock: 0 }).finally(() => clients.close());
        redact = (s) => redactCommand(s, catalog!.buyerTokens, dir);
      }
      for (const load of loads(o, catalog, running, dir)) {
        log(`round ${r}/${o.rounds} ${load.name}: ${load.shape}`);
        log(`  ${redact(shellCommand(load.tool, load.processes(Math.round(o.durationMs / 1000), "RUN_TAG")[0]!.args))}`);
        const f = await measureLoad({ ...w, meter, outcomes, meshLog: running.logFile }, load, r);
        f.commands = f.commands.map(redact);
        if (!figures.has(load.name)) figures.set(load.name, { workload: load.workload, runs: [] });
        figures.get(load.name)!.runs.push(f);
        const base = baselines.get(load.workload)!.at(-1)!;
        log(`  ${f.per_s}/s verified (the tool reported ${f.tool_reported_per_s}/s) vs pgbench ${base.per_s}/s; CPU ms/checkout mesh ${f.cpu_ms_per_op.mesh}, PostgreSQL ${f.cpu_ms_per_op.pg}; ${f.verification.ok ? "verified" : `NOT VERIFIED: ${f.verification.problems.join("; ")}`}`);
      }
    } finally {
      await running.stop();
      mesh = undefined;
    }
  }

  // Every order the run made is one unit of the hot SKU or of a spread SKU: the levels must say so.
  const problems: string[] = [];
  const finalOrders = await outcomes.read([]);
  let reserved = 0;
  for (const sku of [catalog!.products.hot, ...catalog!.products.spread]) reserved += (await reservedUnits(databaseUrl, sku)).reserved;
  const ordersHeld = finalOrders.orders.PENDING_PAYMENT ?? 0;
  if (reserved !== ordersHeld) problems.push(`${ordersHeld} orders hold stock but ${reserved} units are reserved`);
  log("checking every level against its ledger and its held reservations");
  const levels = await checkLevels(databaseUrl);
  problems.push(...levels.problems);
  for (const { runs } of figures.values()) for (const f of runs) problems.push(...f.verification.problems.map((p) => `${f.load}: ${p}`));
  const oversold = levels.overReserved + Math.max(0, ordersHeld - reserved);

  const results = Object.fromEntries([...figures].map(([name, { workload, runs }]) => [name, summarize(runs, baselines.get(workload)!)]));
  const output = {
    when: new Date().toISOString(),
    command: `npm run bench:outside --${process.argv.slice(2).map((a) => ` ${a}`).join("")}`,
    quick: o.quick,
    machine: { ...machineFacts(), load_average_at_start: loadAtStart },
    tools: Object.fromEntries(o.tools.map((t) => [t, toolVersion(t)])),
    configuration: { name: "one-process", concurrency: o.concurrency, warmup_s: o.warmupMs / 1000, window_s: o.durationMs / 1000, rounds: o.rounds },
    oversold,
    invariants: { ok: problems.length === 0, violations: problems },
    orders: finalOrders.orders,
    baselines: Object.fromEntries(baselines),
    ...results,
  };
  writeFileSync(resolve(REPO, o.out), `${JSON.stringify(output, null, 2)}\n`);
  printOutsideTable(output, results);
  log(`wrote ${o.out}; mesh log bench/results/outside/mesh.log`);
  if (problems.length > 0 || oversold > 0) {
    log(`NOT VERIFIED (oversold ${oversold}):\n  ${problems.join("\n  ")}`);
    return 1;
  }
  return 0;
}

/** The loads of a round, in order: per workload, h2load then wrk. */
function loads(o: OutsideOptions, catalog: Catalog, mesh: RunningMesh, dir: string): OutsideLoad[] {
  const c = { dir, concurrency: o.concurrency, buyerTokens: catalog.buyerTokens, orderTarget: mesh.addresses.order, gateway: mesh.addresses.gateway };
  const out: OutsideLoad[] = [];
  for (const workload of o.only) {
    const skus = workload === "hot_sku" ? [catalog.products.hot] : catalog.products.spread;
    if (o.tools.includes("h2load")) {
      out.push(workload === "hot_sku"
        ? h2loadLoad(c, { workload, skus, processes: 1, connections: o.h2Connections })
        : h2loadLoad(c, { workload, skus, processes: Math.min(o.concurrency, skus.length), connections: 1 }));
    }
    if (o.tools.includes("wrk")) out.push(wrkLoad(c, { workload, skus }));
  }
  return out;
}

/** Stops the mesh, closes connections and drops the database: at the end, on failure and on Ctrl-C. */
const cleanups = cleanupList(log);
const cleanup = cleanups.run;

let options: OutsideOptions;
try {
  options = parseOutsideOptions(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(2);
}
const missing = missingTools(options.tools);
if (missing.length > 0) {
  process.stderr.write(`bench:outside needs ${missing.join(" and ")}, not installed here. Install with:\n  ${installCommand(missing)}\n`);
  process.exit(2);
}
await runToExit("bench:outside", () => main(options), cleanup, log);
