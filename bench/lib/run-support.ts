import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { createTestDatabase } from "@wms/testing";
import { Meter } from "./meter.js";

const REPO = resolve(import.meta.dirname, "../..");

/**
 * What a run must undo (stop the mesh, close connections, drop the database), run once: at the
 * end, on failure and on Ctrl-C. `add` runs last-added last; `first` before everything added.
 */
export function cleanupList(log: (line: string) => void) {
  const steps: Array<() => Promise<void>> = [];
  let cleaning: Promise<void> | undefined;
  return {
    add: (step: () => Promise<void>) => void steps.push(step),
    first: (step: () => Promise<void>) => void steps.unshift(step),
    run: () =>
      (cleaning ??= (async () => {
        for (const step of steps) await step().catch((err: Error) => log(`cleanup: ${err.message}`));
      })()),
  };
}

/** The machine and versions a result was measured on. */
export function machineFacts() {
  const run = (cmd: string, args: string[]) => {
    try {
      return execFileSync(cmd, args, { encoding: "utf8" }).trim();
    } catch {
      return "unknown";
    }
  };
  return {
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    memory_gb: Math.round(totalmem() / 2 ** 30),
    load_average_at_end: loadavg().map((l) => Math.round(l * 100) / 100),
    node: process.version,
    postgres: run("pgbench", ["--version"]).replace(/^pgbench \(PostgreSQL\) /, ""),
    redis: run("redis-server", ["--version"]).split(" ")[2]?.replace("v=", "") ?? "unknown",
    git_commit: run("git", ["-C", REPO, "rev-parse", "--short", "HEAD"]),
  };
}

/** A run's own database (dropped at the end unless kept), scratch folder and CPU meter. */
export async function benchWorkspace(o: {
  name: string;
  keepDb: boolean;
  cleanups: ReturnType<typeof cleanupList>;
  log: (line: string) => void;
  /** The mesh's processes whenever the meter reads them (none while it is stopped). */
  meshPids: () => number[];
}): Promise<{ databaseUrl: string; dir: string; meter: Meter }> {
  const database = await createTestDatabase(o.name);
  if (!o.keepDb) o.cleanups.add(database.drop);
  else o.log(`keeping the database: ${database.url}`);
  const dir = mkdtempSync(join(tmpdir(), `wms-${o.name}-`));
  o.cleanups.add(async () => rmSync(dir, { recursive: true, force: true }));
  const meter = await Meter.open(database.url, o.meshPids);
  o.cleanups.first(() => meter.close());
  return { databaseUrl: database.url, dir, meter };
}

/**
 * Runs a bench's `main` and exits with its code, cleaning up first; Ctrl-C cleans up and exits
 * 130. `on`, not `once`: tsx relays a second SIGINT, which must not kill the process mid-cleanup.
 */
export async function runToExit(name: string, main: () => Promise<number>, cleanup: () => Promise<void>, log: (line: string) => void): Promise<never> {
  let interrupted = false;
  process.on("SIGINT", () => {
    if (interrupted) return;
    interrupted = true;
    log("interrupted: stopping the mesh and dropping the database");
    void cleanup().finally(() => process.exit(130));
  });
  const code = await main().catch((err: unknown) => {
    if (!interrupted) log(`${name} failed: ${(err as Error).stack ?? String(err)}`);
    return 1;
  });
  await cleanup();
  return process.exit(interrupted ? 130 : code);
}
