import { closeSync, openSync, readSync, statSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import postgres from "postgres";

/**
 * What the database holds, read straight from the order and warehouse schemas: the outside
 * tools cannot tell a gRPC error from a success (h2load counts HTTP 200), so every run is
 * checked against what it actually made.
 */
export interface Holdings {
  /** Orders by status, the whole bench database (only the bench makes orders in it). */
  orders: Record<string, number>;
  /** Units reserved on the SKUs of the workload. */
  reservedUnits: number;
}

export class OutcomeReader {
  private constructor(private readonly sql: postgres.Sql) {}

  static open(databaseUrl: string): OutcomeReader {
    return new OutcomeReader(postgres(databaseUrl, { max: 1, onnotice: () => undefined, connection: { application_name: "wms-bench-outcomes" } }));
  }

  async read(skus: readonly string[]): Promise<Holdings> {
    const rows = await this.sql<{ status: string; n: string }[]>`select status, count(*) as n from "order".orders group by status`;
    const [level] = await this.sql<{ reserved: string }[]>`
      select coalesce(sum(reserved), 0) as reserved from warehouse.stock_levels where product_id = any(${[...skus]}::uuid[])`;
    return { orders: Object.fromEntries(rows.map((r) => [r.status, Number(r.n)])), reservedUnits: Number(level!.reserved) };
  }

  /**
   * Waits until the calls a tool left behind have ended: no order still PENDING (a checkout
   * between its steps) and the counts unchanged twice in a row, 250 ms apart. Gives up after
   * `timeoutMs` and returns what it last read.
   */
  async settled(skus: readonly string[], timeoutMs = 20_000): Promise<Holdings & { settled: boolean }> {
    const until = Date.now() + timeoutMs;
    let last = await this.read(skus);
    for (;;) {
      await sleep(250);
      const now = await this.read(skus);
      const same = JSON.stringify(now) === JSON.stringify(last);
      if (same && (now.orders.PENDING ?? 0) === 0) return { ...now, settled: true };
      if (Date.now() > until) return { ...now, settled: false };
      last = now;
    }
  }

  close(): Promise<void> {
    return this.sql.end({ timeout: 2 });
  }
}

/** What a run made: the difference of two readings. */
export function made(before: Holdings, after: Holdings) {
  const delta = (status: string) => (after.orders[status] ?? 0) - (before.orders[status] ?? 0);
  return {
    /** Checkouts that succeeded: new orders awaiting payment. */
    orders: delta("PENDING_PAYMENT"),
    /** Checkouts that wrote an order and then failed (INSUFFICIENT_STOCK, a timeout, …). */
    failedOrders: delta("FAILED"),
    /** Orders still between their steps when the run was read. */
    pending: after.orders.PENDING ?? 0,
    reservedUnits: after.reservedUnits - before.reservedUnits,
  };
}

/** The mesh's log from `offset` on, to read only the lines a run wrote. */
export function logSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

export function readLogFrom(file: string, offset: number): string {
  const size = logSize(file);
  if (size <= offset) return "";
  const fd = openSync(file, "r");
  try {
    const buffer = Buffer.alloc(size - offset);
    readSync(fd, buffer, 0, buffer.length, offset);
    return buffer.toString("utf8");
  } finally {
    closeSync(fd);
  }
}

/**
 * The server's own account of the calls of one method: the `rpc` line the mesh logs for every
 * call it answers (libs/grpc/src/server.ts), counted by code (and reason, when there is one).
 */
export function rpcOutcomes(logText: string, rpcPath: string): Record<string, number> {
  const out: Record<string, number> = {};
  const needle = `"rpc":"${rpcPath}"`;
  for (const line of logText.split("\n")) {
    if (!line.includes(needle)) continue;
    let entry: { msg?: unknown; code?: unknown; reason?: unknown };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      continue;
    }
    if (entry.msg !== "rpc" && entry.msg !== "rpc failed") continue;
    const key = typeof entry.reason === "string" ? `${String(entry.code)}:${entry.reason}` : String(entry.code);
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}
