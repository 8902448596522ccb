import postgres from "postgres";

export interface LevelCheck {
  /** Units reserved beyond on hand, summed over levels (the CHECK constraint should make it 0). */
  overReserved: number;
  /** Levels whose on_hand/reserved differ from their ledger, or from what HELD reservations hold. */
  problems: string[];
}

/**
 * Reads the warehouse schema directly: every level against the signed sum of its ledger rows and
 * against the units its HELD reservations hold (DESIGN §2's invariant), for the whole database.
 */
export async function checkLevels(databaseUrl: string): Promise<LevelCheck> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => undefined });
  try {
    const rows = await sql<{ warehouse_id: string; product_id: string; on_hand: string; reserved: string; ledger_on_hand: string; ledger_reserved: string; held: string }[]>`
      with ledger as (
        select warehouse_id, product_id,
          sum(case when kind in ('RECEIPT', 'TRANSFER_IN', 'ADJUSTMENT') then quantity when kind in ('TRANSFER_OUT', 'COMMIT') then -quantity else 0 end) as on_hand,
          sum(case when kind = 'RESERVE' then quantity when kind in ('RELEASE', 'COMMIT') then -quantity else 0 end) as reserved
        from warehouse.stock_movements group by warehouse_id, product_id),
      held as (
        select a.warehouse_id, a.product_id, sum(a.quantity) as quantity
        from warehouse.reservation_allocations a join warehouse.reservations r using (reservation_id)
        where r.status = 'HELD' group by a.warehouse_id, a.product_id)
      select l.warehouse_id, l.product_id, l.on_hand, l.reserved,
        coalesce(g.on_hand, 0) as ledger_on_hand, coalesce(g.reserved, 0) as ledger_reserved, coalesce(h.quantity, 0) as held
      from warehouse.stock_levels l
      left join ledger g using (warehouse_id, product_id)
      left join held h using (warehouse_id, product_id)`;
    const problems: string[] = [];
    let overReserved = 0;
    for (const r of rows) {
      const [onHand, reserved] = [Number(r.on_hand), Number(r.reserved)];
      overReserved += Math.max(0, reserved - onHand);
      const where = `${r.warehouse_id}/${r.product_id}`;
      if (Number(r.ledger_on_hand) !== onHand || Number(r.ledger_reserved) !== reserved) {
        problems.push(`${where}: level ${onHand}/${reserved}, ledger ${r.ledger_on_hand}/${r.ledger_reserved} (on hand/reserved)`);
      }
      if (Number(r.held) !== reserved) problems.push(`${where}: reserved ${reserved}, held by reservations ${r.held}`);
    }
    return { overReserved, problems };
  } finally {
    await sql.end({ timeout: 2 });
  }
}

/** Units reserved now on one product's levels. */
export async function reservedUnits(databaseUrl: string, productId: string): Promise<{ onHand: number; reserved: number }> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => undefined });
  try {
    const [row] = await sql<{ on_hand: string; reserved: string }[]>`
      select coalesce(sum(on_hand), 0) as on_hand, coalesce(sum(reserved), 0) as reserved from warehouse.stock_levels where product_id = ${productId}`;
    return { onHand: Number(row!.on_hand), reserved: Number(row!.reserved) };
  } finally {
    await sql.end({ timeout: 2 });
  }
}
