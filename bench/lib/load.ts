import { setTimeout as sleep } from "node:timers/promises";
import { Meter, type CpuSplit } from "./meter.js";

export interface LoadOptions {
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  /** One operation by worker `worker`; resolves on success, rejects on failure. */
  call: (worker: number) => Promise<void>;
  /** A short name for a failure (a DomainError's reason, else the message). */
  classify: (err: unknown) => string;
  meter: Meter;
  /** Processes whose RSS is sampled during the window. */
  processes: Array<{ name: string; pid: number }>;
}

export interface LoadResult {
  /** Successes completed inside the measured window. */
  ok: number;
  failures: Record<string, number>;
  /** Latency of each success inside the window, ms. */
  latencies: number[];
  cpu: CpuSplit;
  /** Largest RSS seen per process during the window, bytes. */
  rssMax: Record<string, number>;
  /** Every success, the warm-up and the tail included (what the database must account for). */
  okTotal: number;
  /** Every failure, the warm-up and the tail included. */
  failedTotal: number;
}

/**
 * A closed loop: `concurrency` workers each run one operation after another. After `warmupMs`
 * the window opens (CPU snapshot), after `durationMs` more it closes; only operations that
 * complete inside the window count. Workers then finish their call in flight and stop.
 */
export async function closedLoop(o: LoadOptions): Promise<LoadResult> {
  let windowStart = Number.POSITIVE_INFINITY;
  let windowEnd = Number.POSITIVE_INFINITY;
  let stopped = false;
  const latencies: number[] = [];
  const failures: Record<string, number> = {};
  let okTotal = 0;
  let failedTotal = 0;
  const rssMax: Record<string, number> = {};

  const worker = async (id: number) => {
    while (!stopped) {
      const began = performance.now();
      let failure: string | undefined;
      try {
        await o.call(id);
        okTotal += 1;
      } catch (err) {
        failedTotal += 1;
        failure = o.classify(err);
      }
      const ended = performance.now();
      if (ended < windowStart || ended > windowEnd) continue;
      if (failure === undefined) latencies.push(ended - began);
      else failures[failure] = (failures[failure] ?? 0) + 1;
    }
  };
  const workers = Array.from({ length: o.concurrency }, (_, i) => worker(i));
  await sleep(o.warmupMs);
  const before = await o.meter.snapshot();
  windowStart = before.at;
  const until = windowStart + o.durationMs;
  while (performance.now() < until) {
    await sleep(Math.min(500, Math.max(0, until - performance.now())));
    for (const [name, bytes] of Object.entries(Meter.rss(o.processes))) rssMax[name] = Math.max(rssMax[name] ?? 0, bytes);
  }
  const after = await o.meter.snapshot();
  windowEnd = after.at;
  stopped = true;
  await Promise.all(workers);
  return { ok: latencies.length, failures, latencies, cpu: Meter.between(before, after), rssMax, okTotal, failedTotal };
}

/** Two windows of the same workload as one: operations, latencies and CPU added up. */
export function mergeLoads(a: LoadResult, b: LoadResult): LoadResult {
  const failures = { ...a.failures };
  for (const [reason, n] of Object.entries(b.failures)) failures[reason] = (failures[reason] ?? 0) + n;
  const rssMax = { ...a.rssMax };
  for (const [name, bytes] of Object.entries(b.rssMax)) rssMax[name] = Math.max(rssMax[name] ?? 0, bytes);
  return {
    ok: a.ok + b.ok,
    failures,
    latencies: [...a.latencies, ...b.latencies],
    cpu: {
      wallMs: a.cpu.wallMs + b.cpu.wallMs,
      meshMs: a.cpu.meshMs + b.cpu.meshMs,
      pgDatabaseMs: a.cpu.pgDatabaseMs + b.cpu.pgDatabaseMs,
      pgClusterMs: a.cpu.pgClusterMs + b.cpu.pgClusterMs,
      clientMs: a.cpu.clientMs + b.cpu.clientMs,
    },
    rssMax,
    okTotal: a.okTotal + b.okTotal,
    failedTotal: a.failedTotal + b.failedTotal,
  };
}
