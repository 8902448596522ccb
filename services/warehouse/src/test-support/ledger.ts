import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { Database } from "@wms/db";
import { stockLevels } from "../db/schema/stock-levels.js";
import { stockMovements } from "../db/schema/stock-movements.js";
import { reservations } from "../db/schema/reservations.js";
import { reservationAllocations } from "../db/schema/reservation-allocations.js";

const key = (warehouseId: string, productId: string) => `${warehouseId}/${productId}`;

/**
 * The ledger invariant (DESIGN §2): every level's on_hand and reserved equal the signed sum of
 * its movements (an ADJUSTMENT's quantity carries its own sign), no level is negative or over-reserved, and every level's reserved equals what
 * its HELD reservations hold. Throws listing every mismatch. `productIds` limits the check to
 * those products (a property test checking after every step of a growing database).
 */
export async function assertLedgerMatchesLevels(db: Database, productIds?: string[]): Promise<void> {
  const only = (column: typeof stockLevels.productId | typeof stockMovements.productId | typeof reservationAllocations.productId): SQL | undefined =>
    productIds ? inArray(column, productIds) : undefined;
  const levels = await db.select().from(stockLevels).where(only(stockLevels.productId));
  const ledger = await db
    .select({
      warehouseId: stockMovements.warehouseId,
      productId: stockMovements.productId,
      onHand: sql<string>`sum(case when ${stockMovements.kind} in ('RECEIPT', 'TRANSFER_IN', 'ADJUSTMENT') then ${stockMovements.quantity}
        when ${stockMovements.kind} in ('TRANSFER_OUT', 'COMMIT') then -${stockMovements.quantity} else 0 end)`,
      reserved: sql<string>`sum(case when ${stockMovements.kind} = 'RESERVE' then ${stockMovements.quantity}
        when ${stockMovements.kind} in ('RELEASE', 'COMMIT') then -${stockMovements.quantity} else 0 end)`,
    })
    .from(stockMovements)
    .where(only(stockMovements.productId))
    .groupBy(stockMovements.warehouseId, stockMovements.productId);
  const held = await db
    .select({
      warehouseId: reservationAllocations.warehouseId,
      productId: reservationAllocations.productId,
      quantity: sql<string>`sum(${reservationAllocations.quantity})`,
    })
    .from(reservationAllocations)
    .innerJoin(reservations, eq(reservations.reservationId, reservationAllocations.reservationId))
    .where(and(eq(reservations.status, "HELD"), only(reservationAllocations.productId)))
    .groupBy(reservationAllocations.warehouseId, reservationAllocations.productId);

  const fromLedger = new Map(ledger.map((l) => [key(l.warehouseId, l.productId), { onHand: Number(l.onHand), reserved: Number(l.reserved) }]));
  const heldUnits = new Map(held.map((h) => [key(h.warehouseId, h.productId), Number(h.quantity)]));
  const problems: string[] = [];
  for (const level of levels) {
    const k = key(level.warehouseId, level.productId);
    const sums = fromLedger.get(k) ?? { onHand: 0, reserved: 0 };
    fromLedger.delete(k);
    if (level.reserved < 0 || level.reserved > level.onHand) problems.push(`${k}: on_hand ${level.onHand}, reserved ${level.reserved}`);
    if (sums.onHand !== level.onHand || sums.reserved !== level.reserved) {
      problems.push(`${k}: level ${level.onHand}/${level.reserved}, ledger ${sums.onHand}/${sums.reserved}`);
    }
    const heldHere = heldUnits.get(k) ?? 0;
    if (heldHere !== level.reserved) problems.push(`${k}: reserved ${level.reserved}, held by reservations ${heldHere}`);
  }
  for (const k of fromLedger.keys()) problems.push(`${k}: ledger rows without a level`);
  if (problems.length > 0) throw new Error(`ledger invariant broken:\n  ${problems.join("\n  ")}`);
}
