import { newId } from "@wms/db";
import type { WarehouseRepo } from "../db/repo.js";
import type { ReservationAllocationRow } from "../db/schema/reservation-allocations.js";
import { byLevel } from "./allocation.js";

/**
 * Settles the held units of reservations that just left HELD: COMMIT ships them (on_hand and
 * reserved both drop), RELEASE returns them (reserved drops). Levels are changed in one fixed
 * order, the same as reservations take them, so concurrent settlements never deadlock. A level
 * that does not hold what the allocation says is a broken invariant, never a user error.
 */
export async function settleHeldUnits(
  tx: WarehouseRepo,
  allocations: ReservationAllocationRow[],
  kind: "COMMIT" | "RELEASE",
  at: Date,
): Promise<void> {
  const perLevel = new Map<string, { productId: string; warehouseId: string; quantity: number }>();
  for (const a of allocations) {
    const key = `${a.productId}/${a.warehouseId}`;
    const entry = perLevel.get(key) ?? { productId: a.productId, warehouseId: a.warehouseId, quantity: 0 };
    entry.quantity += a.quantity;
    perLevel.set(key, entry);
  }
  for (const level of [...perLevel.values()].sort(byLevel)) {
    const settled =
      kind === "COMMIT"
        ? await tx.commitReserved(level.warehouseId, level.productId, level.quantity)
        : await tx.releaseReserved(level.warehouseId, level.productId, level.quantity);
    if (!settled) throw new Error(`level ${level.warehouseId}/${level.productId} holds fewer reserved units than its reservations`);
  }
  await tx.insertMovements(
    allocations.map((a) => ({
      movementId: newId(),
      warehouseId: a.warehouseId,
      productId: a.productId,
      kind,
      quantity: a.quantity,
      referenceId: a.reservationId,
      createTime: at,
    })),
  );
}
