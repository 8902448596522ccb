/** Runs one SQL statement and answers its rows (postgres.js `sql.unsafe`, drizzle `db.execute(sql.raw(...))`). */
export type RunSql = (statement: string) => Promise<ReadonlyArray<Record<string, unknown>>>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The warehouse's ledger invariant (DESIGN §2), read from its own tables: every level's on_hand
 * and reserved equal the signed sums of its movements (an ADJUSTMENT's quantity carries its own
 * sign), no level is negative or over-reserved,
 * every level's reserved equals what its HELD reservations hold, and no movement lacks a level.
 * Answers every mismatch (empty when all agree). `productIds` limits the check to those products
 * (a property test checking after every step of a growing database).
 */
export async function ledgerProblems(run: RunSql, productIds?: string[]): Promise<string[]> {
  if (productIds?.some((id) => !UUID.test(id))) throw new Error("ledgerProblems: product ids must be uuids");
  const only = (column: string) => (productIds ? `and ${column} in (${productIds.map((id) => `'${id}'`).join(", ") || "null"})` : "");
  const rows = await run(`
    with ledger as (
      select warehouse_id, product_id,
        sum(case when kind in ('RECEIPT', 'TRANSFER_IN', 'ADJUSTMENT') then quantity when kind in ('TRANSFER_OUT', 'COMMIT') then -quantity else 0 end) as on_hand,
        sum(case when kind = 'RESERVE' then quantity when kind in ('RELEASE', 'COMMIT') then -quantity else 0 end) as reserved
      from warehouse.stock_movements where true ${only("product_id")} group by warehouse_id, product_id),
    held as (
      select a.warehouse_id, a.product_id, sum(a.quantity) as quantity
      from warehouse.reservation_allocations a join warehouse.reservations r using (reservation_id)
      where r.status = 'HELD' ${only("a.product_id")} group by a.warehouse_id, a.product_id),
    levels as (select warehouse_id, product_id, on_hand, reserved from warehouse.stock_levels where true ${only("product_id")})
    select warehouse_id, product_id, (l.on_hand is not null) as has_level,
      coalesce(l.on_hand, 0)::float8 as on_hand, coalesce(l.reserved, 0)::float8 as reserved,
      coalesce(g.on_hand, 0)::float8 as ledger_on_hand, coalesce(g.reserved, 0)::float8 as ledger_reserved,
      coalesce(h.quantity, 0)::float8 as held
    from levels l full join ledger g using (warehouse_id, product_id) left join held h using (warehouse_id, product_id)
    order by warehouse_id, product_id`);
  return rows.flatMap((r) => {
    const k = `${String(r.warehouse_id)}/${String(r.product_id)}`;
    if (!r.has_level) return [`${k}: ledger rows without a level`];
    const [onHand, reserved, ledgerOnHand, ledgerReserved, held] = [r.on_hand, r.reserved, r.ledger_on_hand, r.ledger_reserved, r.held].map(Number) as [number, number, number, number, number];
    const problems: string[] = [];
    if (reserved < 0 || reserved > onHand) problems.push(`${k}: on_hand ${onHand}, reserved ${reserved}`);
    if (onHand !== ledgerOnHand || reserved !== ledgerReserved) problems.push(`${k}: level ${onHand}/${reserved}, ledger ${ledgerOnHand}/${ledgerReserved}`);
    if (reserved !== held) problems.push(`${k}: reserved ${reserved}, held by reservations ${held}`);
    return problems;
  });
}

/** Throws listing every mismatch of the ledger invariant (see ledgerProblems). */
export async function assertLedgerMatchesLevels(run: RunSql, productIds?: string[]): Promise<void> {
  const problems = await ledgerProblems(run, productIds);
  if (problems.length > 0) throw new Error(`ledger invariant broken:\n  ${problems.join("\n  ")}`);
}
