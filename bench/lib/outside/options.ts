import { parseArgs } from "node:util";
import { TOOL_PACKAGES, type Tool } from "./tools.js";

export const OUTSIDE_WORKLOADS = ["hot_sku", "spread"] as const;
export type OutsideWorkload = (typeof OUTSIDE_WORKLOADS)[number];

export interface OutsideOptions {
  quick: boolean;
  only: OutsideWorkload[];
  tools: Tool[];
  concurrency: number;
  /** h2load's hot-SKU run: the concurrency over this many HTTP/2 connections (streams = concurrency / connections). */
  h2Connections: number;
  warmupMs: number;
  durationMs: number;
  rounds: number;
  keepDb: boolean;
  redisUrls: string[];
  out: string;
}

export const OUTSIDE_HELP = `npm run bench:outside -- [--quick] [--only hot_sku,spread] [--tools h2load,wrk]
  [--concurrency 64] [--h2-connections 1] [--duration S] [--warmup S] [--rounds N]
  [--keep-db] [--redis redis://127.0.0.1:6379] [--out bench/results/outside.json]`;

/** Flags of `npm run bench:outside`; --quick as in `npm run bench`: one round of 8 s windows. */
export function parseOutsideOptions(argv: string[]): OutsideOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      quick: { type: "boolean" },
      only: { type: "string" },
      tools: { type: "string" },
      concurrency: { type: "string" },
      "h2-connections": { type: "string" },
      duration: { type: "string" },
      warmup: { type: "string" },
      rounds: { type: "string" },
      "keep-db": { type: "boolean" },
      redis: { type: "string" },
      out: { type: "string" },
      help: { type: "boolean" },
    },
  });
  if (values.help) throw new Error(OUTSIDE_HELP);
  const quick = values.quick ?? false;
  const positive = (name: string, raw: string | undefined, def: number, integer = true) => {
    if (raw === undefined) return def;
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) throw new Error(`--${name} must be a positive ${integer ? "integer" : "number"}\n${OUTSIDE_HELP}`);
    return n;
  };
  const list = <T extends string>(name: string, raw: string | undefined, known: readonly T[]): T[] => {
    const items = (raw ?? known.join(",")).split(",").map((s) => s.trim()).filter(Boolean);
    const unknown = items.filter((i) => !(known as readonly string[]).includes(i));
    if (unknown.length > 0 || items.length === 0) throw new Error(`--${name}: unknown ${unknown.join(",") || "(empty)"}; known: ${known.join(",")}`);
    return items as T[];
  };
  const o: OutsideOptions = {
    quick,
    only: list("only", values.only, OUTSIDE_WORKLOADS),
    tools: list("tools", values.tools, Object.keys(TOOL_PACKAGES) as Tool[]),
    concurrency: positive("concurrency", values.concurrency, 64),
    h2Connections: positive("h2-connections", values["h2-connections"], 1),
    // Whole seconds: h2load's -D and wrk's -d take them.
    warmupMs: positive("warmup", values.warmup, quick ? 2 : 5) * 1000,
    durationMs: positive("duration", values.duration, quick ? 8 : 15) * 1000,
    rounds: positive("rounds", values.rounds, quick ? 1 : 3),
    keepDb: values["keep-db"] ?? false,
    redisUrls: (values.redis ?? process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379").split(","),
    out: values.out ?? "bench/results/outside.json",
  };
  if (o.concurrency % o.h2Connections !== 0) throw new Error(`--h2-connections must divide --concurrency (${o.concurrency})`);
  return o;
}
