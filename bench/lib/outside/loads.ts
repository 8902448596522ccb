import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { percentile } from "../../support.js";
import { checkoutBody, h2loadArgs, parseH2loadLog, parseH2loadSummary, type H2loadLog } from "./h2load.js";
import type { OutsideWorkload } from "./options.js";
import type { Tool, ToolRun } from "./tools.js";
import { checkoutScript, parseWrkResult, wrkArgs } from "./wrk.js";

/** One tool process of a run. */
export interface ToolProcess {
  command: Tool;
  args: string[];
  logFile?: string;
}

/** What the client saw in a run, before the database's account of it. */
export interface ClientFigures {
  /** Responses the tool counts as successes: wrk, status below 400; h2load, HTTP 200 (gRPC errors included). */
  responses: number;
  /** Failures the tool saw itself, by kind. */
  errors: Record<string, number>;
  /** The tool's own measuring period, s (the longest of its processes). */
  seconds: number;
  /** Responses per second as the tool reports them (summed over processes). */
  toolPerS: number;
  p50Ms: number;
  p99Ms: number;
}

/** A load an outside tool puts on the mesh: how to run it for `seconds`, how to read what it printed. */
export interface OutsideLoad {
  name: string;
  workload: OutsideWorkload;
  tool: Tool;
  /** In words, for the table and the JSON. */
  shape: string;
  skus: string[];
  processes(seconds: number, tag: string): ToolProcess[];
  read(runs: ToolRun[], processes: ToolProcess[]): ClientFigures;
}

export interface LoadContext {
  dir: string;
  concurrency: number;
  buyerTokens: string[];
  orderTarget: string;
  gateway: string;
}

/**
 * h2load, gRPC straight to OrderService.Checkout with one fixed body per SKU: `connections`
 * HTTP/2 connections of concurrency/connections streams each, every process on one SKU and
 * one buyer. Hot SKU: one process. Spread: h2load cannot vary the body, so `processes` h2load
 * processes of one stream each, each on its own SKU (the first `processes` of the spread).
 */
export function h2loadLoad(c: LoadContext, o: { workload: OutsideWorkload; skus: string[]; processes: number; connections: number }): OutsideLoad {
  const perProcess = c.concurrency / o.processes;
  const streams = perProcess / o.connections;
  if (!Number.isInteger(perProcess) || !Number.isInteger(streams)) throw new Error("h2load: the concurrency must split evenly over processes and connections");
  const skus = Array.from({ length: o.processes }, (_, i) => o.skus[i % o.skus.length]!);
  const bodies = skus.map((sku) => {
    const file = join(c.dir, `checkout-${sku}.bin`);
    writeFileSync(file, checkoutBody(sku));
    return file;
  });
  const shape = o.processes === 1
    ? `gRPC, ${o.connections} connection(s) x ${streams} stream(s), 1 SKU, no idempotency key`
    : `gRPC, ${o.processes} processes x ${o.connections} connection(s) x ${streams} stream(s), each on its own SKU (${new Set(skus).size} SKUs), no idempotency key`;
  return {
    name: `${o.workload}/h2load`,
    workload: o.workload,
    tool: "h2load",
    shape,
    skus: [...new Set(skus)],
    processes: (seconds, tag) =>
      bodies.map((bodyFile, i) => {
        const logFile = join(c.dir, `h2load-${tag}-${i}.log`);
        return {
          command: "h2load",
          args: h2loadArgs({ target: `http://${c.orderTarget}`, bodyFile, token: c.buyerTokens[i % c.buyerTokens.length]!, connections: o.connections, streamsPerConnection: streams, seconds, logFile }),
          logFile,
        };
      }),
    read: (runs, processes) => {
      let log: H2loadLog | undefined;
      for (const p of processes) log = parseH2loadLog(readFileSync(p.logFile!, "utf8"), log);
      const summaries = runs.map((r) => parseH2loadSummary(r.stdout));
      const errors: Record<string, number> = {};
      const add = (k: string, n: number) => n > 0 && (errors[k] = (errors[k] ?? 0) + n);
      for (const s of summaries) {
        add("h2load failed", s.failed);
        add("h2load errored", s.errored);
        add("h2load timeout", s.timeout);
      }
      for (const [status, n] of Object.entries(log!.otherStatus)) add(`HTTP ${status}`, n);
      return {
        responses: log!.http200,
        errors,
        seconds: Math.max(...summaries.map((s) => s.seconds)),
        toolPerS: summaries.reduce((a, s) => a + s.reqPerS, 0),
        p50Ms: percentile(log!.latenciesMs, 50),
        p99Ms: percentile(log!.latenciesMs, 99),
      };
    },
  };
}

/** wrk, `POST /v1/orders` through the gateway: each request a SKU of `skus` at random, a fresh idempotency key. */
export function wrkLoad(c: LoadContext, o: { workload: OutsideWorkload; skus: string[] }): OutsideLoad {
  const scriptFile = join(c.dir, `checkout-${o.workload}.lua`);
  writeFileSync(scriptFile, checkoutScript(o.skus, c.buyerTokens));
  return {
    name: `${o.workload}/wrk`,
    workload: o.workload,
    tool: "wrk",
    shape: `REST via the gateway, ${c.concurrency} keep-alive connections, ${o.skus.length} SKU(s) at random, fresh idempotency keys`,
    skus: o.skus,
    processes: (seconds, tag) => [{ command: "wrk", args: wrkArgs({ gateway: c.gateway, scriptFile, connections: c.concurrency, threads: 2, seconds, runTag: tag }) }],
    read: (runs) => {
      const r = parseWrkResult(runs[0]!.stdout);
      const errors: Record<string, number> = {};
      if (r.statusErrors > 0) errors["HTTP >= 400"] = r.statusErrors;
      for (const [k, n] of Object.entries(r.socketErrors)) if (n > 0) errors[`socket ${k}`] = n;
      return { responses: r.requests - r.statusErrors, errors, seconds: r.seconds, toolPerS: r.requests / r.seconds, p50Ms: r.p50Ms, p99Ms: r.p99Ms };
    },
  };
}
