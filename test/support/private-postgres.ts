import { execFile } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort } from "@wms/testing";

const run = promisify(execFile);
const BIN = process.env.PG_BIN ?? "/usr/lib/postgresql/15/bin";

export interface PrivatePostgres {
  url: string;
  port: number;
  start(): Promise<void>;
  /** Fast shutdown: sessions are terminated (57P01), new connections refused. */
  stop(): Promise<void>;
  /** Stops it if running and deletes its data directory. */
  destroy(): Promise<void>;
}

/**
 * A PostgreSQL cluster of its own (temp data dir, free port, trust auth on 127.0.0.1) for
 * tests that stop and restart the database: the shared server on 5432 is never touched.
 * PostgreSQL refuses to run as root, so as root it runs as the `postgres` user. `port` fixes
 * its port (default a free one).
 */
export async function createPrivatePostgres(opts: { port?: number } = {}): Promise<PrivatePostgres> {
  if (!existsSync(join(BIN, "initdb"))) throw new Error(`PostgreSQL binaries not found in ${BIN} (set PG_BIN)`);
  const asRoot = userInfo().uid === 0;
  const dir = mkdtempSync(join(tmpdir(), "wms-pg-"));
  if (asRoot) {
    const { stdout } = await run("id", ["-u", "postgres"]);
    const { stdout: gid } = await run("id", ["-g", "postgres"]);
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const pgRun = (cmd: string, args: string[]) =>
    asRoot ? run("runuser", ["-u", "postgres", "--", join(BIN, cmd), ...args]) : run(join(BIN, cmd), args);
  const data = join(dir, "data");
  await pgRun("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C"]);
  const port = opts.port ?? (await freePort());
  let running = false;
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=16MB -c max_connections=100`;
  const self: PrivatePostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async start() {
      await pgRun("pg_ctl", ["start", "-w", "-t", "30", "-D", data, "-l", join(dir, "log"), "-o", options]);
      running = true;
    },
    async stop() {
      await pgRun("pg_ctl", ["stop", "-w", "-t", "30", "-D", data, "-m", "fast"]);
      running = false;
    },
    async destroy() {
      if (running) await self.stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return self;
}
