/**
 * Flash sale on one hot SKU, at the warehouse reservation level (domain + real PostgreSQL + real
 * Redis, no gRPC): `requests` concurrent one-unit ReserveStock calls race for `stock` units of one
 * product spread over `warehouses` warehouses. Variants, differing ONLY in the lock manager:
 *   a  no lock at all: the database's conditional update alone (the baseline)
 *   b  InProcessLockManager, one queue shared by both domain instances (one process, perfect lock)
 *   c  createLockManager({redisUrls, ttlMs, retryDelayMs}): Redlock behind a per-process queue, one per replica
 *   d  RedlockManager directly (no per-process queue), one per replica
 * Every variant runs on the same two domain instances with their own pools ("replicas"; calls
 * alternate between them), on fresh identical stock each run, interleaved a,b,c,d,a,b,c,d...
 * Each run must end with exactly `stock` successes and the ledger invariant intact, else exit 1.
 *
 * Run:  npx tsx bench/hot-sku.ts [flags]      (flag, else env var, else default)
 *   --stock N        BENCH_STOCK        units of the SKU per run (100)
 *   --warehouses N   BENCH_WAREHOUSES   warehouses the units are split over (3)
 *   --requests N     BENCH_REQUESTS     concurrent one-unit reservations per run (200)
 *   --reps N         BENCH_REPS         measured rounds of every variant; medians reported (3)
 *   --warmup N       BENCH_WARMUP       unreported rounds first, at a fifth of the size (1)
 *   --pool N         BENCH_POOL         connections per replica's pool (10)
 *   --deadline-ms N  BENCH_DEADLINE_MS  lock-wait deadline of each call (30000)
 *   --ttl-ms N       BENCH_TTL_MS       Redlock TTL (2000)
 *   --retry-ms N     BENCH_RETRY_MS     Redlock retry delay (and jitter) (5)
 *   --redis URL      BENCH_REDIS_URL    (redis://127.0.0.1:6379)
 *   --only a,c       BENCH_ONLY         variants to run; ratios are against the first one (a,b,c,d)
 * PostgreSQL: TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test); a fresh
 * database is created and dropped at the end. Progress goes to stderr, the results to stdout.
 */
import { performance, monitorEventLoopDelay } from "node:perf_hooks";
import { Redis } from "ioredis";
import { newId, openDatabase, type DatabaseHandle } from "@wms/db";
import { DomainError } from "@wms/errors";
import { createLockManager, InProcessLockManager, RedlockManager, type LockManager } from "@wms/locks";
import { createTestDatabase } from "@wms/testing";
import { warehouseService } from "../services/warehouse/src/module.js";
import { createWarehouseRepo } from "../services/warehouse/src/db/repo.js";
import { createWarehouseDomain, type WarehouseDomain } from "../services/warehouse/src/domain/index.js";
import { InMemoryCatalog } from "../services/warehouse/src/testing/catalog.js";
import { assertLedgerMatchesLevels, noLocks, sellerWorld } from "../services/warehouse/src/testing/fixtures.js";
import { fmt, formatTable, median, parseOptions, percentile, splitStock, type BenchOptions } from "./support.js";

const VARIANTS = {
  a: "no lock (DB only)",
  b: "in-process lock",
  c: "Redlock + queue",
  d: "Redlock, no queue",
} as const;
type VariantName = keyof typeof VARIANTS;

interface Run {
  expected: number; // successes a correct run has: min(stock, requests)
  wallMs: number;
  rate: number; // successful reservations per second of wall time
  latencies: number[]; // every call, ms
  okLatencies: number[];
  successes: number;
  rejections: Map<string, number>; // reason → count
  loopP99Ms: number;
  redisCommands: number;
}

const options = ((): BenchOptions => {
  try {
    return parseOptions(process.argv.slice(2), Object.keys(VARIANTS));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  }
})();
const variants = options.only as VariantName[];
const log = (line: string) => process.stderr.write(`${line}\n`);
const closers: Array<() => Promise<void>> = [];
const violations: string[] = [];

async function main(): Promise<void> {
  const database = await createTestDatabase("bench_hot_sku");
  closers.push(database.drop);
  // Only for INFO: no reconnecting, so a Redis that goes away fails the bench instead of hanging it.
  const redis = new Redis(options.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on("error", () => undefined); // surfaced by connect() and by the INFO calls
  closers.push(async () => void (await redis.quit().catch(() => redis.disconnect())));
  await redis.connect().catch((err: Error) => {
    throw new Error(`Redis is not reachable at ${options.redisUrl} (${err.message})`);
  });

  const pools: DatabaseHandle[] = [];
  for (let i = 0; i < 2; i++) {
    const handle = await openDatabase({ url: database.url, dataDir: ".data", service: "warehouse", migrationsFolder: warehouseService.migrationsFolder, poolSize: options.pool });
    pools.push(handle);
    closers.unshift(() => handle.close()); // pools close before the database is dropped
  }
  const catalog = new InMemoryCatalog();
  const lockManagers = buildLockManagers(options);
  for (const managers of Object.values(lockManagers)) for (const m of new Set(managers)) closers.unshift(() => m.close());
  const domains = Object.fromEntries(
    variants.map((v) => [v, pools.map((p, i) => createWarehouseDomain({ repo: createWarehouseRepo(p.db), catalog, locks: lockManagers[v][i]!, now: () => new Date() }))]),
  ) as Record<VariantName, WarehouseDomain[]>;

  log(`hot-sku: ${options.requests} one-unit reservations on ${options.stock} units over ${options.warehouses} warehouses; ` +
    `2 replicas x pool ${options.pool}; variants ${variants.join(",")}; ${options.warmup} warm-up + ${options.reps} measured rounds`);
  const results = new Map<VariantName, Run[]>(variants.map((v) => [v, []]));
  const rounds = options.warmup + options.reps;
  let step = 0;
  const warmupSize = { stock: Math.max(options.warehouses, Math.round(options.stock / 5)), requests: Math.max(1, Math.round(options.requests / 5)) };
  for (let round = 0; round < rounds; round++) {
    const warm = round < options.warmup;
    for (const v of variants) {
      step += 1;
      // Warm-up rounds (JIT, pool connections, Redis connections) run at a fifth of the size.
      const size = warm ? warmupSize : { stock: options.stock, requests: options.requests };
      const run = await runOnce(v, size, domains[v], pools, catalog, redis);
      if (!warm) results.get(v)!.push(run);
      const other = [...run.rejections].filter(([r]) => r !== "INSUFFICIENT_STOCK").map(([r, n]) => `${r}=${n}`);
      log(`[${String(step).padStart(2)}/${rounds * variants.length}] ${warm ? "warm-up" : `rep ${round - options.warmup + 1}`} ${v} ${VARIANTS[v].padEnd(18)} ` +
        `${fmt.ms(run.wallMs).padStart(6)} ms  ${fmt.rate(run.rate).padStart(5)} res/s  p99 ${fmt.ms(percentile(run.latencies, 99))} ms  ` +
        `ok ${run.successes}/${run.expected}${other.length ? `  other: ${other.join(" ")}` : ""}`);
    }
  }
  report(results);
}

/** One lock manager per replica (b shares one: a single process's queue). */
function buildLockManagers(o: BenchOptions): Record<VariantName, LockManager[]> {
  const inProcess = new InProcessLockManager();
  const queued = () => createLockManager({ redisUrls: [o.redisUrl], ttlMs: o.ttlMs, retryDelayMs: o.retryMs });
  const bare = () => new RedlockManager({ urls: [o.redisUrl], ttlMs: o.ttlMs, retryDelayMs: o.retryMs, retryJitterMs: o.retryMs });
  return {
    a: [noLocks, noLocks],
    b: [inProcess, inProcess],
    c: variants.includes("c") ? [queued(), queued()] : [],
    d: variants.includes("d") ? [bare(), bare()] : [],
  };
}

async function runOnce(v: VariantName, size: { stock: number; requests: number }, replicas: WarehouseDomain[], pools: DatabaseHandle[], catalog: InMemoryCatalog, redis: Redis): Promise<Run> {
  const world = await sellerWorld(replicas[0]!, catalog, splitStock(size.stock, options.warehouses));
  const latencies: number[] = [];
  const okLatencies: number[] = [];
  const rejections = new Map<string, number>();
  let successes = 0;
  const commandsBefore = await redisCommands(redis);
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const start = performance.now();
  const deadline = new Date(Date.now() + options.deadlineMs);
  const expireTime = new Date(Date.now() + 10 * 60_000);
  await Promise.all(
    Array.from({ length: size.requests }, (_, i) => {
      const began = performance.now();
      return replicas[i % replicas.length]!.reservations
        .reserveStock({ reservationId: newId(), lines: [{ productId: world.productId, quantity: 1 }], expireTime, deadline })
        .then(
          () => {
            successes += 1;
            okLatencies.push(performance.now() - began);
          },
          (err: unknown) => {
            const reason = err instanceof DomainError ? err.reason : `UNEXPECTED(${(err as Error)?.message ?? String(err)})`;
            rejections.set(reason, (rejections.get(reason) ?? 0) + 1);
          },
        )
        .finally(() => latencies.push(performance.now() - began));
    }),
  );
  const wallMs = performance.now() - start;
  loop.disable();
  const redisCommandsUsed = (await redisCommands(redis)) - commandsBefore - 1; // minus our own INFO

  // The outcome must be exact: every unit held once (sold out), none twice, the ledger agreeing.
  const expected = Math.min(size.stock, size.requests);
  const tag = `${v} (${VARIANTS[v]})`;
  const levels = await replicas[0]!.stock.listStockLevels(world.sellerId, world.productId);
  const reserved = levels.reduce((sum, l) => sum + l.reserved, 0);
  if (reserved !== successes || levels.some((l) => l.reserved > l.onHand)) {
    violations.push(`${tag}: OVERSELL/PHANTOM: ${successes} successes, levels ${levels.map((l) => `${l.reserved}/${l.onHand}`).join(",")} (reserved/on hand)`);
  }
  if (successes !== expected) {
    const timeouts = rejections.get("LOCK_TIMEOUT") ?? 0;
    violations.push(`${tag}: not sold out: ${successes} successes for ${expected} units` + (timeouts ? ` (${timeouts} calls hit LOCK_TIMEOUT: the lock is too slow, not an oversell)` : ""));
  }
  const unexpected = [...rejections.keys()].filter((r) => r !== "INSUFFICIENT_STOCK" && r !== "LOCK_TIMEOUT");
  if (unexpected.length > 0) violations.push(`${tag}: unexpected failures ${unexpected.join(", ")}`);
  await assertLedgerMatchesLevels(pools[0]!.db, [world.productId]).catch((err: Error) => violations.push(`${tag}: ${err.message}`));
  return {
    expected,
    wallMs,
    rate: (successes / wallMs) * 1000,
    latencies,
    okLatencies,
    successes,
    rejections,
    loopP99Ms: loop.percentile(99) / 1e6,
    redisCommands: redisCommandsUsed,
  };
}

/** Commands the Redis server processed so far (server-wide: other users of it count too). */
async function redisCommands(redis: Redis): Promise<number> {
  const info = await redis.info("stats");
  const match = /total_commands_processed:(\d+)/.exec(info);
  return match ? Number(match[1]) : Number.NaN;
}

function report(results: Map<VariantName, Run[]>): void {
  const base = variants[0]!;
  const baseRuns = results.get(base)!;
  const rows = variants.map((v) => {
    const runs = results.get(v)!;
    const m = (f: (r: Run) => number) => median(runs.map(f));
    // Ratios pair each run with the baseline run of the same round (adjacent in time), so a
    // noisy neighbour that slows one round slows both sides of its ratio.
    const ratio = median(runs.map((r, i) => r.rate / baseRuns[i]!.rate));
    const ok = runs.map((r) => r.successes);
    const other = new Map<string, number>();
    for (const r of runs) for (const [reason, n] of r.rejections) if (reason !== "INSUFFICIENT_STOCK") other.set(reason, (other.get(reason) ?? 0) + n);
    return [
      `${v} ${VARIANTS[v]}`,
      fmt.ms(m((r) => r.wallMs)),
      fmt.rate(m((r) => r.rate)),
      fmt.ratio(ratio),
      fmt.ms(m((r) => percentile(r.latencies, 50))),
      fmt.ms(m((r) => percentile(r.latencies, 95))),
      fmt.ms(m((r) => percentile(r.latencies, 99))),
      fmt.ms(m((r) => percentile(r.okLatencies, 99))),
      Math.min(...ok) === Math.max(...ok) ? `${ok[0]}/${runs[0]!.expected}` : `${Math.min(...ok)}-${Math.max(...ok)}/${runs[0]!.expected}`,
      fmt.rate(m((r) => r.rejections.get("INSUFFICIENT_STOCK") ?? 0)),
      other.size ? [...other].map(([r, n]) => `${r}:${n}`).join(" ") : "-",
      fmt.ms(m((r) => r.loopP99Ms)),
      v === "a" || v === "b" ? "-" : fmt.rate(m((r) => r.redisCommands)),
    ];
  });
  const header = ["variant", "wall ms", "res/s", `vs ${base}`, "p50 ms", "p95 ms", "p99 ms", "ok p99", "ok", "sold-out rej", "other errors", "loop p99", "redis cmds"];
  console.log(
    `\nhot-sku: ${options.requests} concurrent one-unit reservations, ${options.stock} units over ${options.warehouses} warehouses, ` +
      `2 replicas x pool ${options.pool}, medians of ${options.reps} interleaved rounds (after ${options.warmup} warm-up)\n`,
  );
  console.log(formatTable(header, rows));
  console.log(
    "\nres/s = successful reservations per second of wall time; vs = median of per-round throughput ratios;" +
      "\np50/p95/p99 = latency of every call (winners and sold-out losers); ok p99 = winners only;" +
      "\nok = successes/units (must be equal); sold-out rej = calls rejected INSUFFICIENT_STOCK;" +
      "\nloop p99 = event-loop delay p99; redis cmds = server-wide commands processed during the run.",
  );
  const summary = variants.map((v, i) => (i === 0 ? `${v} ${fmt.rate(median(results.get(v)!.map((r) => r.rate)))} res/s` : `${v} ${rows[i]![3]}`));
  console.log(`\nSUMMARY hot-sku ${options.requests}x1 on ${options.stock} units: ${summary.join(" | ")}; invariants ${violations.length ? `VIOLATED (${violations.length})` : "OK"}`);
}

// One cleanup, shared by the normal end and Ctrl-C, so the database is always dropped once.
let cleaning: Promise<void> | undefined;
const cleanup = (): Promise<void> =>
  (cleaning ??= (async () => {
    for (const close of closers) await close().catch((err: Error) => log(`cleanup: ${err.message}`));
  })());

let interrupted = false;
// `on`, not `once`: a Ctrl-C reaches us twice (from the terminal and relayed by tsx), and a
// second SIGINT without a handler would kill the process before the database is dropped.
process.on("SIGINT", () => {
  if (interrupted) return;
  interrupted = true;
  log("interrupted: closing and dropping the bench database");
  void cleanup().finally(() => process.exit(130));
});

let failed = false;
try {
  await main();
} catch (err) {
  failed = true;
  if (!interrupted) log(`hot-sku failed: ${(err as Error).stack ?? String(err)}`);
} finally {
  await cleanup();
}
if (interrupted) process.exit(130);
if (violations.length > 0) log(`INVARIANT VIOLATIONS:\n  ${violations.join("\n  ")}`);
process.exit(failed || violations.length > 0 ? 1 : 0);
