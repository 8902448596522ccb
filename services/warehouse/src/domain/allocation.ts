import type { AvailableLevel } from "./model.js";
import { insufficientStock } from "./common.js";

export interface ReservationLineInput {
  productId: string;
  quantity: number;
}

export interface PlannedAllocation {
  productId: string;
  warehouseId: string;
  quantity: number;
}

/**
 * Where each line's units come from (DESIGN §2): one warehouse when one has enough, else split.
 * Both are the same walk over active warehouses sorted by available units, largest first, ties
 * by warehouse id: the first warehouse is the largest, so if any single warehouse suffices, it
 * does. Deterministic, so every replica plans the same way. Throws INSUFFICIENT_STOCK (with the
 * product id) when the active warehouses together hold too little.
 */
export function planAllocations(lines: ReservationLineInput[], levels: AvailableLevel[]): PlannedAllocation[] {
  const plan: PlannedAllocation[] = [];
  for (const line of lines) {
    const candidates = levels
      .filter((l) => l.productId === line.productId && l.available > 0)
      .sort((a, b) => b.available - a.available || compareIds(a.warehouseId, b.warehouseId));
    let remaining = line.quantity;
    for (const level of candidates) {
      if (remaining === 0) break;
      const take = Math.min(remaining, level.available);
      plan.push({ productId: line.productId, warehouseId: level.warehouseId, quantity: take });
      remaining -= take;
    }
    if (remaining > 0) throw insufficientStock(line.productId, line.quantity, line.quantity - remaining);
  }
  return plan;
}

/** The order row updates are applied in, the same in every transaction, so they never deadlock. */
export function byLevel(a: { productId: string; warehouseId: string }, b: { productId: string; warehouseId: string }): number {
  return compareIds(a.productId, b.productId) || compareIds(a.warehouseId, b.warehouseId);
}

function compareIds(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}
