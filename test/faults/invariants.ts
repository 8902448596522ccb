import type postgres from "postgres";
import { ledgerProblems } from "@wms/testing";
import type { AcceptedWrites } from "./load.js";
import { sleep } from "./environment.js";

// The invariants, read straight from the mesh's database (the order and warehouse schemas):
// what must hold after any fault once the load has stopped and the sweepers had their time.

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

const MAX_LISTED = 5;
const listed = (items: string[]) => items.slice(0, MAX_LISTED).join("; ") + (items.length > MAX_LISTED ? `; … ${items.length - MAX_LISTED} more` : "");

/** Every level equals its ledger, none negative or over-reserved, reserved = what HELD reservations hold. */
export async function ledgerCheck(sql: postgres.Sql): Promise<Check> {
  const problems = await ledgerProblems((statement) => sql.unsafe(statement));
  const [{ levels }] = (await sql`select count(*)::int as levels from warehouse.stock_levels`) as unknown as [{ levels: number }];
  return { name: "levels = ledger, reserved = HELD", ok: problems.length === 0, detail: problems.length ? listed(problems) : `${levels} levels` };
}

/**
 * No reservation reserved, released or committed twice: per reservation, one RESERVE, and one
 * RELEASE or one COMMIT per allocation (matching its status and quantities), none otherwise.
 */
export async function settledOnceCheck(sql: postgres.Sql): Promise<Check> {
  const bad = await sql`
    with alloc as (
      select reservation_id, count(*)::int as n, sum(quantity)::bigint as q from warehouse.reservation_allocations group by 1),
    mv as (
      select reference_id as reservation_id,
        count(*) filter (where kind = 'RESERVE')::int as reserves,
        count(*) filter (where kind = 'RELEASE')::int as releases,
        count(*) filter (where kind = 'COMMIT')::int as commits,
        coalesce(sum(quantity) filter (where kind = 'RELEASE'), 0)::bigint as released_q,
        coalesce(sum(quantity) filter (where kind = 'COMMIT'), 0)::bigint as committed_q
      from warehouse.stock_movements where kind in ('RESERVE', 'RELEASE', 'COMMIT') group by 1)
    select coalesce(r.reservation_id, m.reservation_id) as id, r.status, coalesce(a.n, 0) as allocations,
      coalesce(m.reserves, 0) as reserves, coalesce(m.releases, 0) as releases, coalesce(m.commits, 0) as commits
    from warehouse.reservations r
      left join alloc a using (reservation_id)
      full join mv m using (reservation_id)
    where r.reservation_id is null
      or coalesce(m.reserves, 0) <> coalesce(a.n, 0)
      or coalesce(m.releases, 0) <> case when r.status = 'RELEASED' then coalesce(a.n, 0) else 0 end
      or coalesce(m.commits, 0) <> case when r.status = 'COMMITTED' then coalesce(a.n, 0) else 0 end
      or coalesce(m.released_q, 0) <> case when r.status = 'RELEASED' then coalesce(a.q, 0) else 0 end
      or coalesce(m.committed_q, 0) <> case when r.status = 'COMMITTED' then coalesce(a.q, 0) else 0 end`;
  const [totals] = await sql`
    select count(*) filter (where status = 'RELEASED')::int as released, count(*) filter (where status = 'COMMITTED')::int as committed
    from warehouse.reservations`;
  return {
    name: "no reservation released or committed twice",
    ok: bad.length === 0,
    detail: bad.length
      ? listed(bad.map((b) => `${String(b.id)} ${String(b.status)}: ${b.allocations} allocations, ${b.reserves} RESERVE, ${b.releases} RELEASE, ${b.commits} COMMIT`))
      : `${totals!.released} released, ${totals!.committed} committed, each once`,
  };
}

/** Orders whose reservation says otherwise (or reservations without their order). */
async function disagreements(sql: postgres.Sql) {
  return sql`
    select coalesce(o.order_id::text, r.reservation_id) as id, coalesce(o.status, '-') as order_status, coalesce(r.status, '-') as reservation_status
    from "order".orders o full join warehouse.reservations r on r.reservation_id = o.order_id::text
    where case coalesce(o.status, '-')
      when 'PENDING_PAYMENT' then coalesce(r.status, '-') <> 'HELD'
      when 'PAID' then coalesce(r.status, '-') <> 'COMMITTED'
      when 'EXPIRED' then coalesce(r.status, '-') <> 'RELEASED'
      when 'CANCELLED' then coalesce(r.status, '-') <> 'RELEASED'
      when 'FAILED' then coalesce(r.status, '-') not in ('RELEASED', '-')
      else true end`;
}

/**
 * Every order agrees with its reservation (PAID↔COMMITTED, EXPIRED/CANCELLED↔RELEASED,
 * PENDING_PAYMENT↔HELD, FAILED↔RELEASED or none). Orders left mid-saga by a fault must be
 * resolved by the sweepers within `withinMs`: polled until none disagrees.
 */
export async function ordersAgreeCheck(sql: postgres.Sql, withinMs: number): Promise<Check> {
  const started = Date.now();
  const first = await disagreements(sql);
  // A reservation lapsing right now is released by the warehouse's sweeper a moment before the
  // order's sweeper expires the order: that is the normal path, not an order stuck mid-saga.
  const stuck = first.filter((d) => !(d.order_status === "PENDING_PAYMENT" && d.reservation_status === "RELEASED"));
  let now = first;
  while (now.length > 0 && Date.now() - started < withinMs) {
    await sleep(500);
    now = await disagreements(sql);
  }
  const waited = ((Date.now() - started) / 1000).toFixed(1);
  const kinds = (rows: ReadonlyArray<Record<string, unknown>>) => {
    const counts = new Map<string, number>();
    for (const r of rows) counts.set(`${String(r.order_status)}/${String(r.reservation_status)}`, (counts.get(`${String(r.order_status)}/${String(r.reservation_status)}`) ?? 0) + 1);
    return [...counts].map(([k, n]) => `${n} ${k}`).join(", ");
  };
  const [{ orders }] = (await sql`select count(*)::int as orders from "order".orders`) as unknown as [{ orders: number }];
  return {
    name: "orders agree with reservations; sweeper resolves stuck sagas",
    ok: now.length === 0,
    detail:
      now.length > 0
        ? `still disagreeing after ${waited} s: ${kinds(now)} (${listed(now.map((r) => String(r.id)))})`
        : `${orders} orders; ${stuck.length ? `${stuck.length} stuck mid-saga (${kinds(stuck)}) resolved` : "none stuck mid-saga"}${first.length ? `, agreed after ${waited} s` : ""}`,
  };
}

/** Every write answered OK is in the database, as answered. */
export async function acceptedWritesCheck(sql: postgres.Sql, accepted: AcceptedWrites): Promise<Check> {
  const missing: string[] = [];
  const orders = new Map((await sql`select order_id::text as id, status, payment_reference from "order".orders`).map((r) => [String(r.id), r]));
  for (const id of accepted.orders) {
    const status = orders.get(id)?.status as string | undefined;
    if (!status || !["PENDING_PAYMENT", "PAID", "EXPIRED", "CANCELLED"].includes(status)) missing.push(`checkout ${id}: ${status ?? "missing"}`);
  }
  for (const [id, reference] of accepted.paid) {
    const row = orders.get(id);
    if (row?.status !== "PAID" || row.payment_reference !== reference) missing.push(`payment ${id}: ${String(row?.status)} ref ${String(row?.payment_reference)}`);
  }
  for (const [id, answered] of accepted.cancelled) {
    const status = orders.get(id)?.status as string | undefined;
    if (`ORDER_STATUS_${status}` !== answered) missing.push(`cancel ${id}: answered ${answered}, is ${status ?? "missing"}`);
  }
  const transfers = new Set((await sql`select transfer_id::text as id from warehouse.transfers`).map((r) => String(r.id)));
  const moved = new Map((await sql`select reference_id as id, count(*)::int as n from warehouse.stock_movements where kind in ('TRANSFER_OUT', 'TRANSFER_IN') group by 1`).map((r) => [String(r.id), Number(r.n)]));
  for (const id of accepted.transfers) if (!transfers.has(id) || moved.get(id) !== 2) missing.push(`transfer ${id}: ${transfers.has(id) ? `${moved.get(id) ?? 0} ledger rows` : "missing"}`);
  const adjustments = new Set((await sql`select movement_id::text as id from warehouse.stock_movements where kind = 'ADJUSTMENT'`).map((r) => String(r.id)));
  for (const id of accepted.adjustments) if (!adjustments.has(id)) missing.push(`adjustment ${id}: missing`);
  const receipts = new Set((await sql`select idempotency_key as key from warehouse.receipts`).map((r) => String(r.key)));
  for (const key of accepted.receipts) if (!receipts.has(key)) missing.push(`receipt ${key}: missing`);
  const a = accepted;
  return {
    name: "every write answered OK is present",
    ok: missing.length === 0,
    detail: missing.length
      ? listed(missing)
      : `${a.orders.size} checkouts, ${a.paid.size} payments, ${a.cancelled.size} cancels, ${a.transfers.size} transfers, ${a.adjustments.size} adjustments, ${a.receipts.size} receipts`,
  };
}

/** The sweepers keep up: nothing left HELD or PENDING_PAYMENT well past its expiry, nothing PENDING. */
export async function sweptCheck(sql: postgres.Sql, lagMs: number): Promise<Check> {
  const [row] = await sql`
    select
      (select count(*)::int from "order".orders where status = 'PENDING_PAYMENT' and expire_time < now() - ${`${lagMs} milliseconds`}::interval) as lapsed_orders,
      (select count(*)::int from "order".orders where status = 'PENDING') as pending,
      (select count(*)::int from warehouse.reservations where status = 'HELD' and expire_time < now() - ${`${lagMs} milliseconds`}::interval) as lapsed_held`;
  const r = row!;
  const ok = r.lapsed_orders === 0 && r.pending === 0 && r.lapsed_held === 0;
  return {
    name: "sweepers keep up",
    ok,
    detail: `${r.lapsed_orders} unpaid orders and ${r.lapsed_held} HELD reservations over ${lagMs / 1000} s past expiry, ${r.pending} PENDING`,
  };
}

/** All four database invariants, in the order they are reported. */
export async function databaseInvariants(sql: postgres.Sql, accepted: AcceptedWrites, settleMs: number): Promise<Check[]> {
  const agree = await ordersAgreeCheck(sql, settleMs);
  return [await ledgerCheck(sql), await settledOnceCheck(sql), agree, await acceptedWritesCheck(sql, accepted)];
}
