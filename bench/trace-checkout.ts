/**
 * `npm run bench:trace-checkout [-- --checkouts 20] [--warmup 5]`: what one checkout costs,
 * counted inside the mesh (bench/trace/hooks.ts): SQL statements and transactions per service,
 * PostgreSQL protocol messages and socket writes, gRPC calls made and served, token signatures
 * and verifications, Redis commands, log lines. Runs the `npm start` configuration on
 * PostgreSQL + Redis, on a fresh database, one checkout at a time (no contention).
 */
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { createTestDatabase } from "@wms/testing";
import { meshClients, seedCatalog } from "./lib/seed.js";
import { configurations } from "./lib/topology.js";
import { shortSql } from "./trace/counters.js";
import type { TraceCounts } from "./trace/hooks.js";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const checkouts = arg("checkouts", 20);
const warmup = arg("warmup", 5);
const redisUrl = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

const database = await createTestDatabase("trace");
const dir = mkdtempSync(join(tmpdir(), "wms-trace-"));
const traceFile = join(dir, "counts.json");
const mesh = await configurations["one-process"]!({
  databaseUrl: database.url,
  redisUrls: [redisUrl],
  logDir: dir,
  dataDir: dir,
  preload: ["./bench/trace/hooks.ts"],
  // The sweepers would add their own statements to the counts: they wait an hour here.
  env: { SWEEP_INTERVAL: "1h", RESERVATION_SWEEP_INTERVAL: "1h", TRACE_OUT: traceFile, TRACE_PG_PORT: new URL(database.url).port || "5432", TRACE_REDIS_PORTS: new URL(redisUrl).port || "6379" },
});
const clients = meshClients(mesh);

/** The counts since the previous call (the hooks reset on every dump). */
async function dump(): Promise<TraceCounts> {
  rmSync(traceFile, { force: true });
  process.kill(mesh.processes[0]!.pid, "SIGUSR2");
  for (let i = 0; i < 100 && !existsSync(traceFile); i++) await sleep(20);
  return JSON.parse(readFileSync(traceFile, "utf8")) as TraceCounts;
}

try {
  const catalog = await seedCatalog(clients, { spreadSkus: 1, buyers: 1, sellOutStock: 0, sweepStock: 0 });
  const token = catalog.buyerTokens[0]!;
  const checkout = () =>
    clients.order.checkout({ items: [{ productId: catalog.products.hot, quantity: 1 }], idempotencyKey: randomUUID() }, { bearerToken: token });
  for (let i = 0; i < warmup; i++) await checkout();
  await sleep(200); // let the warm-up's log lines land before the counters reset
  await dump();
  await checkout();
  await sleep(200);
  const one = await dump();
  for (let i = 0; i < checkouts; i++) await checkout();
  await sleep(200);
  const many = await dump();
  print(`ONE checkout (after ${warmup} warm-up checkouts)`, one, 1, true);
  print(`AVERAGE over the next ${checkouts} checkouts`, many, checkouts, false);
} finally {
  clients.close();
  await mesh.stop();
  await database.drop();
  rmSync(dir, { recursive: true, force: true });
}

function print(title: string, c: TraceCounts, n: number, listStatements: boolean): void {
  const per = (x: number) => (n === 1 ? String(x) : (x / n).toFixed(2));
  const list = (m: Record<string, number>) =>
    Object.entries(m)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${per(v)}`)
      .join(", ") || "-";
  const statements = c.pg.statements.filter((s) => !/^(begin|commit|rollback)\b/i.test(s.sql.trim()));
  const begins = c.pg.statements.filter((s) => /^begin\b/i.test(s.sql.trim())).length;
  // A statement outside BEGIN … COMMIT on its service's connection is a transaction of its own.
  const inTransaction = new Set<string>();
  let autocommit = 0;
  for (const s of c.pg.statements) {
    const sql = s.sql.trim().toLowerCase();
    if (sql.startsWith("begin")) inTransaction.add(s.by);
    else if (sql.startsWith("commit") || sql.startsWith("rollback")) inTransaction.delete(s.by);
    else if (!inTransaction.has(s.by)) autocommit += 1;
  }
  const byService: Record<string, number> = {};
  for (const s of statements) byService[s.by] = (byService[s.by] ?? 0) + 1;
  const served = Object.values(c.grpcServer).reduce((a, b) => a + b, 0);
  const made = Object.values(c.grpcClient).reduce((a, b) => a + b, 0);
  console.log(`\n=== ${title} ===`);
  console.log(`gRPC served: ${per(served)} (${list(c.grpcServer)})`);
  console.log(`gRPC made inside the mesh: over the wire ${per(made)} (${list(c.grpcClient)}), in-process ${per(c.grpcInProcess)}`);
  console.log(`token signatures: ${per(c.crypto.sign)}, verifications: ${per(c.crypto.verify)}`);
  console.log(`SQL statements: ${per(statements.length)} (${list(byService)}) besides BEGIN/COMMIT, in ${per(begins + autocommit)} transactions ` +
    `(${per(begins)} BEGIN … COMMIT, ${per(autocommit)} single statements); ` +
    `${per(statements.filter((s) => s.reusedPrepared).length)} ran as already-prepared statements`);
  console.log(`PostgreSQL protocol: Parse ${per(c.pg.parse)} (named ${per(c.pg.parseNamed)}), Bind ${per(c.pg.bind)}, Execute ${per(c.pg.execute)}, ` +
    `Sync ${per(c.pg.sync)}, simple queries ${per(c.pg.simpleQueries)}; ` +
    `socket writes ${per(c.pg.writes)} (= round trips: the driver waits for the answer to each, Parse+Describe+Flush included)`);
  console.log(`Redis: ${per(Object.values(c.redis.commands).reduce((a, b) => a + b, 0))} commands (${list(c.redis.commands)}), socket writes ${per(c.redis.writes)}`);
  console.log(`log lines: ${per(Object.values(c.logLines).reduce((a, b) => a + b, 0))} (${list(c.logLines)})`);
  if (listStatements) {
    console.log("statements in order ([service] * = ran as an already-prepared statement):");
    c.pg.statements.forEach((s, i) => console.log(`  ${String(i + 1).padStart(2)}. [${s.by}]${s.reusedPrepared ? "*" : " "} ${shortSql(s.sql)}`));
  }
}
