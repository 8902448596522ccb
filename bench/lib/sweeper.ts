import { setTimeout as sleep } from "node:timers/promises";
import postgres from "postgres";
import { Meter, type CpuSplit } from "./meter.js";

export interface SweepResult {
  rows: number;
  seconds: number;
  seedSeconds: number;
  cpu: CpuSplit;
}

/**
 * Seeds `rows` one-unit HELD reservations of one level, already expired, straight into the
 * warehouse schema in ONE transaction, exactly as ReserveStock leaves them: the reservation,
 * its allocation, a RESERVE ledger row, and the level's `reserved` raised by as many units.
 * The running mesh's sweeper sees them all at the commit; the clock runs from the commit until
 * none is HELD (polled every 100 ms).
 */
export async function runSweeper(o: { databaseUrl: string; rows: number; warehouseId: string; productId: string; meter: Meter; timeoutMs: number }): Promise<SweepResult> {
  const sql = postgres(o.databaseUrl, { max: 1, onnotice: () => undefined });
  try {
    const seedStart = performance.now();
    await sql.begin(async (tx) => {
      await tx`
        insert into warehouse.reservations (reservation_id, status, expire_time, create_time, update_time)
        select 'bench-sweep-' || g, 'HELD', now() - interval '1 minute', now() - interval '16 minutes', now() - interval '16 minutes'
        from generate_series(1, ${o.rows}::int) g`;
      await tx`
        insert into warehouse.reservation_allocations (reservation_id, product_id, warehouse_id, quantity)
        select 'bench-sweep-' || g, ${o.productId}, ${o.warehouseId}, 1 from generate_series(1, ${o.rows}::int) g`;
      await tx`
        insert into warehouse.stock_movements (movement_id, warehouse_id, product_id, kind, quantity, reference_id, create_time)
        select gen_random_uuid(), ${o.warehouseId}, ${o.productId}, 'RESERVE', 1, 'bench-sweep-' || g, now() - interval '16 minutes'
        from generate_series(1, ${o.rows}::int) g`;
      const updated = await tx`
        update warehouse.stock_levels set reserved = reserved + ${o.rows}
        where warehouse_id = ${o.warehouseId} and product_id = ${o.productId} and on_hand - reserved >= ${o.rows}`;
      if (updated.count !== 1) throw new Error("the sweeper SKU has too little stock for the seeded reservations");
    });
    const seedSeconds = (performance.now() - seedStart) / 1000;
    const before = await o.meter.snapshot();
    const deadline = before.at + o.timeoutMs;
    for (;;) {
      const [row] = await sql<{ n: string }[]>`
        select count(*) as n from warehouse.reservations where status = 'HELD' and reservation_id like 'bench-sweep-%'`;
      if (Number(row!.n) === 0) break;
      if (performance.now() > deadline) throw new Error(`the sweeper left ${row!.n} of ${o.rows} expired reservations HELD after ${o.timeoutMs / 1000} s`);
      await sleep(100);
    }
    const after = await o.meter.snapshot();
    return { rows: o.rows, seconds: (after.at - before.at) / 1000, seedSeconds, cpu: Meter.between(before, after) };
  } finally {
    await sql.end({ timeout: 2 });
  }
}
