import { Validator } from "@wms/errors";
import { newId, withTransactionRetry } from "@wms/db";
import type { LockManager } from "@wms/locks";
import type { WarehouseRepo } from "../db/repo.js";
import {
  belowReserved,
  IDEMPOTENCY_KEY_MAX,
  idempotencyKeyReused,
  onHandLimitExceeded,
  QUANTITY_MAX,
  skuLockKey,
} from "./common.js";
import { ON_HAND_MAX, type Adjustment, type AdjustmentReason, type StockLevel, type StockMovement } from "./model.js";
import type { Ownership } from "./ownership.js";

export const ADJUSTMENT_NOTE_MAX = 500;

/** What a correction asks for: a change of on_hand, or the on_hand a cycle count found. */
export type StockChange = { kind: "delta"; delta: number } | { kind: "counted"; countedOnHand: number };

export interface AdjustInput {
  warehouseId: string;
  productId: string;
  /** Undefined when the request set neither (INVALID_ARGUMENT). */
  change: StockChange | undefined;
  /** Undefined when the request gave none (INVALID_ARGUMENT). */
  reason: AdjustmentReason | undefined;
  note: string;
  idempotencyKey: string;
  /** The call's deadline: the ownership lookups and the wait for the SKU lock give up then. */
  deadline?: Date;
}

/** What an adjustment answers: the level as it is now and the ledger row of the change. */
export interface AdjustmentResult {
  level: StockLevel;
  movement: StockMovement;
}

export interface AdjustmentsDomain {
  /**
   * Corrects one level by a delta or to a counted on_hand, with one ADJUSTMENT ledger row,
   * in one transaction under the product's SKU lock and the level's row lock. on_hand never
   * drops below reserved (BELOW_RESERVED) nor rises above ON_HAND_MAX; either way nothing
   * changes and the key stays unused. Inactive warehouses may be corrected (counting a closed
   * site is normal). The owner of the warehouse and the product only. Idempotent per
   * warehouse by key: a replay returns the original movement with the level as it is now.
   */
  adjustStock(callerId: string, input: AdjustInput): Promise<AdjustmentResult>;
}

export function createAdjustmentsDomain(deps: { repo: WarehouseRepo; ownership: Ownership; locks: LockManager; now: () => Date }): AdjustmentsDomain {
  const { repo, ownership } = deps;

  async function answer(warehouseId: string, productId: string, movement: StockMovement): Promise<AdjustmentResult> {
    const level = await repo.findLevel(warehouseId, productId);
    if (!level) throw new Error("an adjusted level is gone");
    return { level, movement };
  }

  /** The movement of an earlier adjustment with this key, if it asked for exactly this. */
  async function replayed(original: Adjustment, requested: Omit<Adjustment, "adjustmentId" | "movementId" | "createTime">, tx: WarehouseRepo): Promise<StockMovement> {
    const same =
      original.productId === requested.productId &&
      original.delta === requested.delta &&
      original.countedOnHand === requested.countedOnHand &&
      original.reason === requested.reason &&
      original.note === requested.note;
    if (!same) throw idempotencyKeyReused(original.idempotencyKey);
    const movement = await tx.findMovement(original.movementId);
    if (!movement) throw new Error(`the ledger row of adjustment ${original.adjustmentId} is gone`);
    return movement;
  }

  return {
    async adjustStock(callerId, input) {
      const change = validateAdjustment(input);
      const lookup = { deadline: input.deadline };
      const warehouseId = (await ownership.requireWarehouse(callerId, input.warehouseId, lookup)).warehouseId;
      await ownership.requireProduct(callerId, input.productId, lookup);
      const requested = {
        warehouseId,
        productId: input.productId.toLowerCase(),
        delta: change.kind === "delta" ? change.delta : null,
        countedOnHand: change.kind === "counted" ? change.countedOnHand : null,
        reason: input.reason as AdjustmentReason,
        note: input.note,
        idempotencyKey: input.idempotencyKey,
      };
      const { productId } = requested;

      const earlier = await repo.findAdjustment(warehouseId, input.idempotencyKey);
      if (earlier) return answer(warehouseId, productId, await replayed(earlier, requested, repo));

      const movement = await deps.locks.withLocks([skuLockKey(productId)], lookup, () =>
        withTransactionRetry(() =>
          repo.transaction(async (tx) => {
            const at = deps.now();
            const movementId = newId();
            const claimed = await tx.insertAdjustment({ ...requested, adjustmentId: newId(), movementId, createTime: at });
            if (!claimed) {
              // A concurrent replay committed first.
              const original = await tx.findAdjustment(warehouseId, input.idempotencyKey);
              if (!original) throw idempotencyKeyReused(input.idempotencyKey);
              return replayed(original, requested, tx);
            }
            // Lock order as in every writer: the SKU lock (outside the transaction), then the
            // level's row. The warehouse's status is not read: inactive ones may be corrected.
            const level = await tx.lockLevelForChange(warehouseId, productId);
            const delta = change.kind === "delta" ? change.delta : change.countedOnHand - level.onHand;
            const target = level.onHand + delta;
            if (target < level.reserved) throw belowReserved({ warehouseId, productId, ...level }, target);
            if (target > ON_HAND_MAX) throw onHandLimitExceeded(warehouseId, productId, ON_HAND_MAX);
            if (!(await tx.changeOnHand(warehouseId, productId, delta))) throw new Error("a locked level changed under its lock");
            const row: StockMovement = {
              movementId,
              warehouseId,
              productId,
              kind: "ADJUSTMENT",
              quantity: delta,
              referenceId: input.idempotencyKey,
              adjustmentReason: requested.reason,
              note: requested.note,
              createTime: at,
            };
            await tx.insertMovements([row]);
            return row;
          }),
        ),
      );
      return answer(warehouseId, productId, movement);
    },
  };
}

/** Every field checked at once; the change, once known to be well formed. */
function validateAdjustment(input: AdjustInput): StockChange {
  const { change } = input;
  const v = new Validator()
    .check(change !== undefined, "delta", "REQUIRED", "either delta or counted_on_hand is required")
    .check(input.reason !== undefined, "reason", "REQUIRED", "must be one of DAMAGED, LOST, FOUND, COUNT_CORRECTION, RETURNED")
    .text(input.note, ADJUSTMENT_NOTE_MAX, "note")
    .required(input.idempotencyKey, "idempotency_key")
    .text(input.idempotencyKey, IDEMPOTENCY_KEY_MAX, "idempotency_key");
  if (change?.kind === "delta") {
    const { delta } = change;
    v.check(Number.isSafeInteger(delta) && delta !== 0 && Math.abs(delta) <= QUANTITY_MAX, "delta", "OUT_OF_RANGE", `must be a non-zero integer from -${QUANTITY_MAX} to ${QUANTITY_MAX}`);
  } else if (change?.kind === "counted") {
    const counted = change.countedOnHand;
    v.check(Number.isSafeInteger(counted) && counted >= 0 && counted <= ON_HAND_MAX, "counted_on_hand", "OUT_OF_RANGE", `must be an integer from 0 to ${ON_HAND_MAX}`);
  }
  v.throwIfInvalid();
  return change as StockChange;
}
