import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/** CPU time and memory of processes, read from /proc (Linux only). */

/** Clock ticks per second of utime/stime in /proc/<pid>/stat. */
export const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

export interface ProcStat {
  pid: number;
  comm: string;
  ppid: number;
  /** utime + stime, in milliseconds. */
  cpuMs: number;
}

/**
 * Parses one /proc/<pid>/stat line. The command name sits in parentheses and may itself hold
 * spaces and parentheses, so the fields are counted from the last ")".
 */
export function parseStat(line: string, ticksPerSecond = CLOCK_TICKS): ProcStat {
  const open = line.indexOf("(");
  const close = line.lastIndexOf(")");
  if (open < 0 || close < open) throw new Error(`not a /proc stat line: ${line.slice(0, 60)}`);
  const pid = Number(line.slice(0, open).trim());
  const comm = line.slice(open + 1, close);
  // Fields after the name start at field 3 (state); utime and stime are fields 14 and 15.
  const rest = line.slice(close + 2).split(" ");
  const field = (n: number) => Number(rest[n - 3]);
  return { pid, comm, ppid: field(4), cpuMs: ((field(14) + field(15)) * 1000) / ticksPerSecond };
}

export function readStat(pid: number): ProcStat | undefined {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return undefined; // the process is gone
  }
}

/** Resident set size in bytes (VmRSS), or undefined when the process is gone. */
export function readRssBytes(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Every process now running. */
export function allProcesses(): ProcStat[] {
  const out: ProcStat[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (stat) out.push(stat);
  }
  return out;
}

/** `root` and all its descendants. */
export function processTree(root: number, processes: ProcStat[] = allProcesses()): ProcStat[] {
  const byParent = new Map<number, ProcStat[]>();
  for (const p of processes) byParent.set(p.ppid, [...(byParent.get(p.ppid) ?? []), p]);
  const out: ProcStat[] = [];
  const self = processes.find((p) => p.pid === root);
  const queue = self ? [self] : [];
  while (queue.length > 0) {
    const p = queue.shift()!;
    out.push(p);
    queue.push(...(byParent.get(p.pid) ?? []));
  }
  return out;
}

/** CPU ms per pid at one instant. */
export type CpuReading = Map<number, number>;

export function readCpu(pids: Iterable<number>): CpuReading {
  const out: CpuReading = new Map();
  for (const pid of pids) {
    const stat = readStat(pid);
    if (stat) out.set(pid, stat.cpuMs);
  }
  return out;
}

/**
 * CPU spent between two readings. A pid only in `after` started in between, so all its CPU
 * counts; a pid only in `before` ended in between and its last slice is lost (rare: the pools
 * and pgbench keep their connections for the whole window).
 */
export function cpuBetween(before: CpuReading, after: CpuReading): number {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}
