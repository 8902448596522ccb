import { Validator } from "@wms/errors";
import { newId, withTransactionRetry } from "@wms/db";
import type { LockManager } from "@wms/locks";
import type { WarehouseRepo } from "../db/repo.js";
import {
  IDEMPOTENCY_KEY_MAX,
  idempotencyKeyReused,
  insufficientStock,
  onHandLimitExceeded,
  QUANTITY_MAX,
  skuLockKey,
  warehouseInactive,
} from "./common.js";
import { ON_HAND_MAX, type Transfer } from "./model.js";
import type { Ownership } from "./ownership.js";

export interface TransferInput {
  fromWarehouseId: string;
  toWarehouseId: string;
  productId: string;
  quantity: number;
  idempotencyKey: string;
  /** The call's deadline: the ownership lookups and the wait for the SKU lock give up then. */
  deadline?: Date;
}

export interface TransfersDomain {
  /**
   * Moves available units (never reserved ones) between two warehouses the caller owns, of a
   * product the caller owns, all or nothing. An inactive warehouse may send (draining a closed
   * warehouse is what transfers are mostly for) but not receive: WAREHOUSE_INACTIVE, nothing
   * moved, the key left unused. Idempotent per caller by `idempotencyKey`: a replay returns the
   * original transfer and moves nothing, whatever the warehouses' status is now.
   */
  transferStock(callerId: string, input: TransferInput): Promise<Transfer>;
}

export function createTransfersDomain(deps: { repo: WarehouseRepo; ownership: Ownership; locks: LockManager; now: () => Date }): TransfersDomain {
  const { repo, ownership } = deps;

  function sameRequest(transfer: Transfer, input: TransferInput, productId: string, from: string, to: string): boolean {
    return transfer.fromWarehouseId === from && transfer.toWarehouseId === to && transfer.productId === productId && transfer.quantity === input.quantity;
  }

  return {
    async transferStock(callerId, input) {
      new Validator()
        .check(input.fromWarehouseId !== input.toWarehouseId, "to_warehouse_id", "INVALID_VALUE", "must differ from from_warehouse_id")
        .positiveInt(input.quantity, "quantity", QUANTITY_MAX)
        .required(input.idempotencyKey, "idempotency_key")
        .text(input.idempotencyKey, IDEMPOTENCY_KEY_MAX, "idempotency_key")
        .throwIfInvalid();
      const lookup = { deadline: input.deadline };
      const from = (await ownership.requireWarehouse(callerId, input.fromWarehouseId, lookup)).warehouseId;
      const to = (await ownership.requireWarehouse(callerId, input.toWarehouseId, lookup)).warehouseId;
      // Two spellings of one id (case) pass the check above; the stored ids cannot lie.
      new Validator().check(from !== to, "to_warehouse_id", "INVALID_VALUE", "must differ from from_warehouse_id").throwIfInvalid();
      await ownership.requireProduct(callerId, input.productId, lookup);
      const productId = input.productId.toLowerCase();

      const replayed = await repo.findTransferByKey(callerId, input.idempotencyKey);
      if (replayed) {
        if (!sameRequest(replayed, input, productId, from, to)) throw idempotencyKeyReused(input.idempotencyKey);
        return replayed;
      }

      return deps.locks.withLocks([skuLockKey(productId)], { deadline: input.deadline }, () =>
        withTransactionRetry(() =>
          repo.transaction(async (tx) => {
            const at = deps.now();
            const transfer = await tx.insertTransfer({
              transferId: newId(),
              fromWarehouseId: from,
              toWarehouseId: to,
              productId,
              quantity: input.quantity,
              requestedBy: callerId,
              idempotencyKey: input.idempotencyKey,
              createTime: at,
            });
            if (!transfer) {
              // A concurrent replay committed first.
              const original = await tx.findTransferByKey(callerId, input.idempotencyKey);
              if (!original || !sameRequest(original, input, productId, from, to)) throw idempotencyKeyReused(input.idempotencyKey);
              return original;
            }
            // Lock order, the same in every writer: the SKU lock where one is taken (outside
            // the transaction), then warehouse rows, then stock-level rows. The destination's
            // row is share-locked and read here, so a deactivation either committed before (we
            // see INACTIVE and roll back, the key unused) or waits for this transaction.
            // SetWarehouseStatus is a single UPDATE of that row holding no other lock, so it
            // closes no cycle; share locks never wait on each other, so transfers in opposite
            // directions do not either. The source's status is not read: an inactive
            // warehouse may send.
            if ((await tx.lockWarehouseStatus(to)) !== "ACTIVE") throw warehouseInactive(to);
            // Both levels locked in warehouse-id order before either changes, so transfers in
            // opposite directions queue instead of deadlocking.
            await tx.lockLevels(productId, [from, to]);
            if (!(await tx.takeAvailable(from, productId, input.quantity))) {
              const level = await tx.findLevel(from, productId);
              throw insufficientStock(productId, input.quantity, level ? level.onHand - level.reserved : 0);
            }
            if (!(await tx.addOnHand(to, productId, input.quantity))) throw onHandLimitExceeded(to, productId, ON_HAND_MAX);
            const ledger = { productId, quantity: input.quantity, referenceId: transfer.transferId, createTime: at };
            await tx.insertMovements([
              { ...ledger, movementId: newId(), warehouseId: from, kind: "TRANSFER_OUT" },
              { ...ledger, movementId: newId(), warehouseId: to, kind: "TRANSFER_IN" },
            ]);
            return transfer;
          }),
        ),
      );
    },
  };
}
