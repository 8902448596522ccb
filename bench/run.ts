/**
 * `npm run bench [-- --quick]`: the whole mesh under load, each figure beside a baseline taken in
 * the same run on the same database. See bench/README.md for what is measured and how.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { checkLevels, reservedUnits } from "./lib/invariants.js";
import { benchWorkspace, cleanupList, machineFacts, runToExit } from "./lib/run-support.js";
import { parseBenchOptions, type MeshBenchOptions } from "./lib/options.js";
import { createBaselineTables, runPgbench } from "./lib/pgbench.js";
import { baselineFigures, checkoutSummary, cpuPerOp, gatewaySummary, loadFigures, type BaselineFigures, type LoadFigures } from "./lib/report.js";
import { printTable } from "./lib/table.js";
import { meshClients, seedCatalog, type Catalog } from "./lib/seed.js";
import { runSweeper } from "./lib/sweeper.js";
import { configurations, type RunningMesh } from "./lib/topology.js";
import { checkoutLoad, gatewayRound, sellOut, type Env } from "./lib/workloads.js";

const REPO = resolve(import.meta.dirname, "..");
const SELL_OUT_STOCK = 100;
const SPREAD_SKUS = 200;
const log = (line: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

async function main(o: MeshBenchOptions): Promise<number> {
  const violations: string[] = [];
  const outDir = resolve(REPO, dirname(o.out));
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, "mesh.log"), "");
  let mesh: RunningMesh | undefined;
  const { databaseUrl, dir: dataDir, meter } = await benchWorkspace({ name: "bench", keepDb: o.keepDb, cleanups, log, meshPids: () => mesh?.processes.map((p) => p.pid) ?? [] });
  await createBaselineTables(databaseUrl, SPREAD_SKUS);

  const w = { concurrency: o.concurrency, warmupMs: o.warmupMs, durationMs: o.durationMs };
  const checkoutWorkloads = (["hot_sku", "spread"] as const).filter((n) => o.only.includes(n));
  const checkoutRounds = new Map(checkoutWorkloads.map((n) => [n, [] as Array<{ ours: LoadFigures; baseline: BaselineFigures }>]));
  const totals = new Map(checkoutWorkloads.map((n) => [n, { ok: 0, failed: 0 }]));
  const gatewayRounds: Array<{ rest: LoadFigures; grpc: LoadFigures }> = [];
  const results: Record<string, unknown> = {};
  let rssUnderHotLoad: Record<string, number> = {};
  let catalog: Catalog | undefined;
  let commands: string[] = [];
  let oversold = 0;

  for (let r = 1; r <= o.rounds; r++) {
    // PostgreSQL here allows 100 connections: pgbench's 64 and the mesh's pools (up to 10 per
    // service) do not fit together, so each round takes its baselines with the mesh stopped,
    // then starts the mesh (same database, same keys) for our side.
    const baselines = new Map<string, BaselineFigures>();
    for (const name of checkoutWorkloads) {
      const rows = name === "hot_sku" ? 1 : SPREAD_SKUS;
      log(`round ${r}/${o.rounds} ${name}: pgbench -c ${o.concurrency} on ${rows} row(s)`);
      baselines.set(name, baselineFigures(await runPgbench({ databaseUrl: databaseUrl, rows, ...w, meter })));
    }
    log(`round ${r}/${o.rounds}: starting the mesh (${o.config})`);
    mesh = await configurations[o.config]!({
      databaseUrl: databaseUrl,
      redisUrls: o.redisUrls,
      logDir: outDir,
      dataDir,
      nodeFlags: o.cpuProf ? ["--cpu-prof", `--cpu-prof-dir=${join(outDir, "profiles")}`] : [],
    });
    const running = mesh;
    commands = running.commands;
    const clients = meshClients(running);
    try {
      if (!catalog) {
        log("seeding through the API: a seller, a warehouse, products with stock, buyers");
        catalog = await seedCatalog(clients, { spreadSkus: SPREAD_SKUS, buyers: 16, sellOutStock: SELL_OUT_STOCK, sweepStock: o.sweepRows });
      }
      const env: Env = { clients, catalog, mesh: running, meter, databaseUrl: databaseUrl };
      for (const name of checkoutWorkloads) {
        log(`round ${r}/${o.rounds} ${name}: ${o.concurrency} concurrent checkouts`);
        const ours = await checkoutLoad(env, w, name === "hot_sku" ? [catalog.products.hot] : catalog.products.spread);
        if (name === "hot_sku") rssUnderHotLoad = ours.rssMax;
        const t = totals.get(name)!;
        t.ok += ours.okTotal;
        t.failed += ours.failedTotal;
        const pair = { ours: loadFigures(ours), baseline: baselines.get(name)! };
        checkoutRounds.get(name)!.push(pair);
        log(`  ours ${pair.ours.per_s}/s vs pgbench ${pair.baseline.per_s}/s; CPU ms/checkout mesh ${pair.ours.cpu_ms_per_op.mesh}, PostgreSQL ${pair.ours.cpu_ms_per_op.pg}`);
      }
      if (o.only.includes("gateway")) {
        log(`round ${r}/${o.rounds} gateway: GetProduct over REST and over gRPC in half windows REST, gRPC, gRPC, REST, ${o.concurrency} concurrent`);
        const { rest, grpc } = await gatewayRound(env, w);
        gatewayRounds.push({ rest: loadFigures(rest), grpc: loadFigures(grpc) });
      }
      if (r === o.rounds && o.only.includes("hot_sku")) {
        log(`sell-out: ${SELL_OUT_STOCK * 2} checkouts, ${o.concurrency} at a time, on ${SELL_OUT_STOCK} units`);
        const s = await sellOut(env, SELL_OUT_STOCK, SELL_OUT_STOCK * 2, o.concurrency);
        const level = await reservedUnits(databaseUrl, catalog.products.sellOut);
        const over = Math.max(0, s.sold - s.stock) + Math.max(0, level.reserved - level.onHand);
        oversold += over;
        // A call that failed otherwise (a deadline on a crowded machine) may or may not hold its
        // unit: only with none of those must the count be exact.
        const unknown = Object.values(s.otherFailures).reduce((a, b) => a + b, 0);
        if (over > 0 || (unknown === 0 && (s.sold !== s.stock || level.reserved !== s.stock))) {
          violations.push(`sell-out: ${s.sold} sold of ${s.stock} units, level reserved ${level.reserved}/${level.onHand}, other failures ${JSON.stringify(s.otherFailures)}`);
        }
        results.sell_out = { ...s, oversold: over };
      }
      if (r === o.rounds && o.only.includes("sweeper")) {
        log(`sweeper: ${o.sweepRows} expired reservations seeded in one transaction; waiting for the mesh's sweeper`);
        const s = await runSweeper({ databaseUrl: databaseUrl, rows: o.sweepRows, warehouseId: catalog.warehouseId, productId: catalog.products.sweep, meter, timeoutMs: 600_000 });
        results.sweeper = {
          rows: s.rows,
          seconds: Math.round(s.seconds * 100) / 100,
          rows_per_s: Math.round(s.rows / s.seconds),
          seed_seconds: Math.round(s.seedSeconds * 100) / 100,
          cpu_ms_per_row: cpuPerOp(s.cpu, s.rows),
        };
      }
    } finally {
      clients.close();
      await running.stop();
      mesh = undefined;
    }
  }

  for (const name of checkoutWorkloads) {
    // Every successful checkout holds exactly one unit: the levels must say so, no more, no less.
    const skus = name === "hot_sku" ? [catalog!.products.hot] : catalog!.products.spread;
    let reserved = 0;
    for (const sku of skus) reserved += (await reservedUnits(databaseUrl, sku)).reserved;
    const t = totals.get(name)!;
    if (t.failed === 0 && reserved !== t.ok) violations.push(`${name}: ${t.ok} checkouts succeeded but ${reserved} units are reserved`);
    oversold += Math.max(0, t.ok - reserved);
    results[name] = { ...checkoutSummary(checkoutRounds.get(name)!), checkouts_total: t.ok, failed_total: t.failed, units_reserved: reserved };
  }
  if (gatewayRounds.length > 0) results.gateway = gatewaySummary(gatewayRounds);

  log("checking every level against its ledger and its held reservations");
  const levels = await checkLevels(databaseUrl);
  oversold += levels.overReserved;
  violations.push(...levels.problems);

  const output = {
    when: new Date().toISOString(),
    command: `npm run bench --${process.argv.slice(2).map((a) => ` ${a}`).join("")}`,
    quick: o.quick,
    machine: machineFacts(),
    configuration: { name: o.config, processes: commands.length, commands, concurrency: o.concurrency, warmup_s: o.warmupMs / 1000, window_s: o.durationMs / 1000, rounds: o.rounds },
    oversold,
    invariants: { ok: violations.length === 0, violations },
    rss_bytes_under_hot_load: rssUnderHotLoad,
    ...results,
  };
  writeFileSync(resolve(REPO, o.out), `${JSON.stringify(output, null, 2)}\n`);
  printTable(output);
  log(`wrote ${o.out}; mesh log ${join(dirname(o.out), "mesh.log")}`);
  if (violations.length > 0 || oversold > 0) {
    log(`INVARIANTS VIOLATED (oversold ${oversold}):\n  ${violations.join("\n  ")}`);
    return 1;
  }
  return 0;
}

/** Stops the mesh, closes connections and drops the database: at the end, on failure and on Ctrl-C. */
const cleanups = cleanupList(log);
const cleanup = cleanups.run;

let options: MeshBenchOptions;
try {
  options = parseBenchOptions(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(2);
}
await runToExit("bench", () => main(options), cleanup, log);
