import postgres from "postgres";
import { cpuBetween, processTree, readCpu, readRssBytes, readStat, type CpuReading } from "./proc.js";

/** CPU readings of everything measured, at one instant. */
export interface Snapshot {
  at: number; // performance.now()
  /** Each mesh process (and its children). */
  mesh: CpuReading;
  /** Backends connected to the bench database (the mesh's pools, pgbench's clients). */
  pgDatabase: CpuReading;
  /** Every process of the PostgreSQL cluster: shared with whatever else uses it. */
  pgCluster: CpuReading;
  /** This process (the load generator), user + system µs. */
  clientUs: number;
}

/** CPU milliseconds spent in a window, by who spent them. */
export interface CpuSplit {
  wallMs: number;
  meshMs: number;
  pgDatabaseMs: number;
  pgClusterMs: number;
  /** The bench process itself: the clients making the calls (and the monitor's queries). */
  clientMs: number;
}

/**
 * Reads CPU time from /proc for the mesh processes and for PostgreSQL. The PostgreSQL cluster
 * is found from a backend's parent (the postmaster); the bench database's own backends from
 * pg_stat_activity, so other databases on a shared server do not count in `pgDatabaseMs`.
 */
export class Meter {
  private constructor(
    private readonly monitor: postgres.Sql,
    private readonly postmaster: number,
    private readonly monitorPid: number,
    private readonly meshPids: () => number[],
  ) {}

  static async open(databaseUrl: string, meshPids: () => number[]): Promise<Meter> {
    const monitor = postgres(databaseUrl, { max: 1, onnotice: () => undefined, connection: { application_name: "wms-bench-monitor" } });
    const [row] = await monitor<{ pid: number }[]>`select pg_backend_pid() as pid`;
    const backend = readStat(row!.pid);
    if (!backend) throw new Error("PostgreSQL runs elsewhere: its processes are not visible in /proc, so its CPU cannot be measured");
    return new Meter(monitor, backend.ppid, row!.pid, meshPids);
  }

  async snapshot(): Promise<Snapshot> {
    const rows = await this.monitor<{ pid: number }[]>`select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`;
    const meshPids = this.meshPids().flatMap((pid) => processTree(pid).map((p) => p.pid));
    const cluster = processTree(this.postmaster).map((p) => p.pid).filter((pid) => pid !== this.monitorPid);
    return {
      at: performance.now(),
      mesh: readCpu(meshPids),
      pgDatabase: readCpu(rows.map((r) => r.pid)),
      pgCluster: readCpu(cluster),
      clientUs: clientCpuUs(),
    };
  }

  static between(a: Snapshot, b: Snapshot): CpuSplit {
    return {
      wallMs: b.at - a.at,
      meshMs: cpuBetween(a.mesh, b.mesh),
      pgDatabaseMs: cpuBetween(a.pgDatabase, b.pgDatabase),
      pgClusterMs: cpuBetween(a.pgCluster, b.pgCluster),
      clientMs: (b.clientUs - a.clientUs) / 1000,
    };
  }

  /** RSS in bytes of each named process. */
  static rss(processes: Array<{ name: string; pid: number }>): Record<string, number> {
    return Object.fromEntries(processes.map((p) => [p.name, readRssBytes(p.pid) ?? 0]));
  }

  close(): Promise<void> {
    return this.monitor.end({ timeout: 2 });
  }
}

function clientCpuUs(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}
