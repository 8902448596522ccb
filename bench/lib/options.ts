import { configurations } from "./topology.js";

export const WORKLOADS = ["hot_sku", "spread", "gateway", "sweeper"] as const;
export type Workload = (typeof WORKLOADS)[number];

export interface MeshBenchOptions {
  quick: boolean;
  config: string;
  only: Workload[];
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  rounds: number;
  spreadSkus: number;
  sweepRows: number;
  cpuProf: boolean;
  keepDb: boolean;
  redisUrls: string[];
  out: string;
}

const HELP = `npm run bench -- [--quick] [--config one-process|multi-process] [--only hot_sku,spread,gateway,sweeper]
  [--concurrency 64] [--duration S] [--warmup S] [--rounds N] [--sweep-rows 100000]
  [--cpu-prof] [--keep-db] [--redis redis://127.0.0.1:6379] [--out bench/results/latest.json]`;

/** Flags of `npm run bench`. --quick: one round of 8 s windows and a 20,000-row sweep (the whole run under 3 minutes). */
export function parseBenchOptions(argv: string[]): MeshBenchOptions {
  const quick = argv.includes("--quick");
  const o: MeshBenchOptions = {
    quick,
    config: "one-process",
    only: [...WORKLOADS],
    concurrency: 64,
    warmupMs: quick ? 2_000 : 5_000,
    durationMs: quick ? 8_000 : 15_000,
    rounds: quick ? 1 : 3,
    spreadSkus: 200,
    // The quick run releases fewer (the rate is the figure); the full run the whole 100,000.
    sweepRows: quick ? 20_000 : 100_000,
    cpuProf: false,
    keepDb: false,
    redisUrls: [process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379"],
    out: "bench/results/latest.json",
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value\n${HELP}`);
      return v;
    };
    const positive = () => {
      const n = Number(value());
      if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} must be a positive number\n${HELP}`);
      return n;
    };
    switch (flag) {
      case "--quick": break;
      case "--config": o.config = value(); break;
      case "--only": o.only = value().split(",") as Workload[]; break;
      case "--concurrency": o.concurrency = Math.round(positive()); break;
      case "--duration": o.durationMs = positive() * 1000; break;
      case "--warmup": o.warmupMs = positive() * 1000; break;
      case "--rounds": o.rounds = Math.round(positive()); break;
      case "--sweep-rows": o.sweepRows = Math.round(positive()); break;
      case "--cpu-prof": o.cpuProf = true; break;
      case "--keep-db": o.keepDb = true; break;
      case "--redis": o.redisUrls = value().split(","); break;
      case "--out": o.out = value(); break;
      case "--help": throw new Error(HELP);
      default: throw new Error(`unknown flag ${flag}\n${HELP}`);
    }
  }
  const unknown = o.only.filter((w) => !(WORKLOADS as readonly string[]).includes(w));
  if (unknown.length > 0) throw new Error(`unknown workload ${unknown.join(",")}; known: ${WORKLOADS.join(",")}`);
  if (!(o.config in configurations)) throw new Error(`unknown --config ${o.config}; known: ${Object.keys(configurations).join(", ")}`);
  return o;
}
