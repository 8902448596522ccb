import type { Logger } from "@wms/logging";
import { sweepInBatches, type BatchOutcome } from "@wms/service";
import type { OrderRepo, SweepKind } from "../db/repo.js";
import type { Clock } from "./order.js";
import { endUnpaid } from "./settle.js";
import type { WarehouseReservations } from "./warehouse.js";

export interface SweeperDeps {
  repo: OrderRepo;
  warehouse: WarehouseReservations;
  now: Clock;
  logger: Logger;
  batchSize: number;
  stalePendingAfterMs: number;
  /** How long a replica owns the orders it claimed; long enough for one batch's warehouse calls. */
  claimMs?: number;
  /** Warehouse calls in flight at once within a batch. */
  concurrency?: number;
  /** Deadline of each warehouse call. */
  callTimeoutMs?: number;
}

export interface SweepResult {
  /** Unpaid orders past their expiry, now EXPIRED with their stock released. */
  expired: number;
  /** Unpaid orders the warehouse said were committed: a payment won the race. */
  paid: number;
  /** Checkouts stuck PENDING, released (tombstoned) and FAILED. */
  abandoned: number;
  /** Orders whose warehouse call failed; they are retried on a later sweep. */
  errors: number;
}

const MAX_BATCHES_PER_SWEEP = 20;

/**
 * One pass of the expiry sweeper. Orders are claimed in batches (FOR UPDATE SKIP LOCKED, then a
 * claim that outlives the transaction), so any number of replicas sweep together without
 * handling an order twice and no database transaction is held open across a warehouse call.
 * Stale PENDING checkouts are released too: the release leaves a tombstone at the warehouse,
 * so a reserve still in flight for them cannot hold stock afterwards; they become FAILED,
 * the internal status Get and List never show, and their idempotency key is freed.
 */
export async function sweepOrders(deps: SweeperDeps, signal?: AbortSignal): Promise<SweepResult> {
  const result: SweepResult = { expired: 0, paid: 0, abandoned: 0, errors: 0 };
  await sweepKind(deps, "lapsed", result, signal);
  await sweepKind(deps, "stale", result, signal);
  return result;
}

/** Batches of one kind of due order, by the shared batching rule. */
async function sweepKind(deps: SweeperDeps, kind: SweepKind, result: SweepResult, signal: AbortSignal | undefined): Promise<void> {
  await sweepInBatches({ batchSize: deps.batchSize, maxBatches: MAX_BATCHES_PER_SWEEP, signal, runBatch: () => sweepBatch(deps, kind, result) });
}

/** Claims one batch of `kind` and settles each order; a failed order is unclaimed for a later sweep. */
async function sweepBatch(deps: SweeperDeps, kind: SweepKind, result: SweepResult): Promise<BatchOutcome> {
  const claimMs = deps.claimMs ?? 30_000;
  const callTimeoutMs = deps.callTimeoutMs ?? 5_000;
  const now = deps.now();
  const cutoff = kind === "lapsed" ? now : new Date(now.getTime() - deps.stalePendingAfterMs);
  const claimed = await deps.repo.claimDue(kind, cutoff, now, new Date(now.getTime() + claimMs), deps.batchSize);
  let failed = 0;
  await forEachLimited(claimed, deps.concurrency ?? 8, async (orderId) => {
    const options = { deadline: new Date(Date.now() + callTimeoutMs) };
    try {
      if (kind === "lapsed") {
        result[(await endUnpaid(deps, orderId, "EXPIRED", options)).status === "PAID" ? "paid" : "expired"] += 1;
      } else {
        // Never committed: only a PENDING_PAYMENT order's reservation is ever committed.
        await deps.warehouse.settle(orderId, "RELEASED", options);
        if (await deps.repo.markFailed(orderId, "CHECKOUT_ABANDONED", deps.now())) result.abandoned += 1;
      }
    } catch (err) {
      failed += 1;
      result.errors += 1;
      deps.logger.warn({ err, orderId, kind }, "sweeper could not settle an order; it is retried on a later sweep");
      await deps.repo.unclaim(orderId).catch(() => undefined);
    }
  });
  return { taken: claimed.length, failed };
}

async function forEachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  });
  await Promise.all(runners);
}
