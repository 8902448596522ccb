import { parseArgs } from "node:util";

/** Bench settings: each from a flag, else from an environment variable, else a default. */
export interface BenchOptions {
  stock: number;
  warehouses: number;
  requests: number;
  reps: number;
  warmup: number;
  pool: number;
  deadlineMs: number;
  ttlMs: number;
  retryMs: number;
  redisUrl: string;
  only: string[];
}

const specs = {
  stock: { env: "BENCH_STOCK", def: 100, min: 1 },
  warehouses: { env: "BENCH_WAREHOUSES", def: 3, min: 1 },
  requests: { env: "BENCH_REQUESTS", def: 200, min: 1 },
  reps: { env: "BENCH_REPS", def: 3, min: 1 },
  warmup: { env: "BENCH_WARMUP", def: 1, min: 0 },
  pool: { env: "BENCH_POOL", def: 10, min: 1 },
  "deadline-ms": { env: "BENCH_DEADLINE_MS", def: 30_000, min: 100 },
  "ttl-ms": { env: "BENCH_TTL_MS", def: 2_000, min: 10 },
  "retry-ms": { env: "BENCH_RETRY_MS", def: 5, min: 1 },
} as const;

export function parseOptions(argv: string[], variantNames: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...Object.fromEntries(Object.keys(specs).map((k) => [k, { type: "string" as const }])),
      redis: { type: "string" },
      only: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    console.log(usage());
    process.exit(0);
  }
  const num = (name: keyof typeof specs): number => {
    const spec = specs[name];
    const raw = (values as Record<string, string | boolean | undefined>)[name] ?? process.env[spec.env];
    if (raw === undefined || raw === "") return spec.def;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < spec.min) throw new Error(`--${name} (${spec.env}) must be an integer >= ${spec.min}, got ${String(raw)}`);
    return n;
  };
  const only = (values.only ?? process.env.BENCH_ONLY ?? variantNames.join(",")).split(",").map((s) => s.trim()).filter(Boolean);
  for (const name of only) if (!variantNames.includes(name)) throw new Error(`--only: unknown variant ${name} (known: ${variantNames.join(",")})`);
  const options: BenchOptions = {
    stock: num("stock"),
    warehouses: num("warehouses"),
    requests: num("requests"),
    reps: num("reps"),
    warmup: num("warmup"),
    pool: num("pool"),
    deadlineMs: num("deadline-ms"),
    ttlMs: num("ttl-ms"),
    retryMs: num("retry-ms"),
    redisUrl: values.redis ?? process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379",
    only,
  };
  if (options.stock < options.warehouses) throw new Error("--stock must be at least --warehouses (every warehouse gets units)");
  return options;
}

function usage(): string {
  const lines = Object.entries(specs).map(([k, s]) => `  --${k.padEnd(12)} ${s.env.padEnd(18)} default ${s.def}`);
  return [
    "npx tsx bench/hot-sku.ts [flags]",
    ...lines,
    `  --redis        BENCH_REDIS_URL    default redis://127.0.0.1:6379`,
    `  --only         BENCH_ONLY         default a,b,c,d (comma list of variants)`,
  ].join("\n");
}

/** Splits `total` units over `parts` warehouses as evenly as possible (the first ones get the rest). */
export function splitStock(total: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0));
}

/** Nearest-rank percentile of unsorted samples (0 when empty). */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return 0;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** A plain fixed-width table: first column left-aligned, the others right-aligned. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

export const fmt = {
  ms: (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(1)),
  rate: (n: number) => n.toFixed(0),
  ratio: (n: number) => `${n.toFixed(2)}x`,
};
