import type { WarehouseRepo } from "../db/repo.js";
import type { ReservationAllocation, SettleOutcome } from "./reservation-model.js";

/**
 * Settles the held units of reservations that just left HELD, all levels in one statement:
 * COMMIT ships them (on_hand and reserved both drop), RELEASE returns them (reserved drops).
 * The statement takes its levels in one fixed order, the same as reservations take them, so
 * concurrent settlements never deadlock. A level that does not hold what the allocations say is
 * a broken invariant, never a user error.
 */
export async function settleHeldUnits(tx: WarehouseRepo, allocations: ReservationAllocation[], outcome: SettleOutcome, at: Date): Promise<void> {
  const levels = new Set(allocations.map((a) => `${a.productId}/${a.warehouseId}`));
  const settled = await tx.settleAllocations(allocations, outcome, at);
  if (settled < levels.size) throw new Error(`${levels.size - settled} level(s) hold fewer reserved units than their reservations`);
}
