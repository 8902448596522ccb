import type { WarehouseRepo } from "../db/repo.js";
import { settleHeldUnits } from "./held-units.js";
import type { Reservation, SettleOutcome } from "./reservation-model.js";

/** One commit or release waiting in a batch. */
export interface QueuedSettlement {
  reservationId: string;
  outcome: SettleOutcome;
}

const OUTCOMES: Array<{ outcome: SettleOutcome; to: "COMMITTED" | "RELEASED" }> = [
  { outcome: "COMMIT", to: "COMMITTED" },
  { outcome: "RELEASE", to: "RELEASED" },
];

/**
 * Settles a batch of HELD reservations in one transaction: per outcome one conditional update
 * moves every reservation still HELD (a commit only if unexpired), one read finds their
 * allocations, and one statement per outcome settles their levels and writes the ledger.
 * Answers the reservations it settled; the others (replays, expired, released, unknown ids)
 * are answered one by one by the caller, under the full rules of a lone settlement.
 */
export async function settleBatchInTransaction(tx: WarehouseRepo, batch: QueuedSettlement[], at: Date): Promise<Map<string, Reservation>> {
  const settled = new Map<string, Reservation>();
  const outcomeOf = new Map<string, SettleOutcome>();
  for (const { outcome, to } of OUTCOMES) {
    const ids = batch.filter((q) => q.outcome === outcome).map((q) => q.reservationId);
    for (const record of await tx.leaveHeld(ids, to, at, outcome === "COMMIT" ? at : undefined)) {
      settled.set(record.reservationId, { ...record, allocations: [] });
      outcomeOf.set(record.reservationId, outcome);
    }
  }
  const allocations = await tx.allocationsOf([...settled.keys()]);
  for (const a of allocations) settled.get(a.reservationId)?.allocations.push(a);
  for (const { outcome } of OUTCOMES) {
    await settleHeldUnits(
      tx,
      allocations.filter((a) => outcomeOf.get(a.reservationId) === outcome),
      outcome,
      at,
    );
  }
  return settled;
}
