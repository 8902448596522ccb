import { errors, Validator } from "@wms/errors";
import { newId, readPage, withTransactionRetry, type Page } from "@wms/db";
import type { WarehouseRepo } from "../db/repo.js";
import { IDEMPOTENCY_KEY_MAX, idempotencyKeyReused, isId, onHandLimitExceeded, QUANTITY_MAX, warehouseInactive } from "./common.js";
import { ON_HAND_MAX, type StockLevel, type StockMovement } from "./model.js";
import type { LookupOptions } from "./catalog.js";
import type { Ownership } from "./ownership.js";

export const AVAILABILITY_MAX_IDS = 500;

/** `deadline` (or `options.deadline`) is the call's deadline, passed on to the ownership lookups. */
export interface StockDomain {
  /**
   * Receives units into an active warehouse; an inactive one receives nothing
   * (WAREHOUSE_INACTIVE, the key left unused). Idempotent per warehouse by `idempotencyKey`: a
   * replay adds nothing and returns the level as it is now, even if the warehouse has been
   * deactivated since the receipt.
   */
  addStock(
    callerId: string,
    input: { warehouseId: string; productId: string; quantity: number; idempotencyKey: string; deadline?: Date },
  ): Promise<StockLevel>;
  /** A product's level in every warehouse, inactive ones included; the product's owner only. */
  listStockLevels(callerId: string, productId: string, options?: LookupOptions): Promise<StockLevel[]>;
  /** A warehouse's ledger, newest first; its owner only. */
  listStockMovements(
    callerId: string,
    filter: { warehouseId: string; productId: string; beforeId?: string; limit: number; deadline?: Date },
  ): Promise<Page<StockMovement>>;
  /** Available units over active warehouses, one entry per distinct id in request order; unknown ids 0, malformed ones INVALID_ARGUMENT. */
  getAvailability(productIds: string[]): Promise<Array<{ productId: string; availableQuantity: number }>>;
}

export function createStockDomain(deps: { repo: WarehouseRepo; ownership: Ownership; now: () => Date }): StockDomain {
  const { repo, ownership } = deps;
  return {
    async addStock(callerId, { warehouseId, productId: rawProductId, quantity, idempotencyKey, deadline }) {
      new Validator()
        .positiveInt(quantity, "quantity", QUANTITY_MAX)
        .required(idempotencyKey, "idempotency_key")
        .text(idempotencyKey, IDEMPOTENCY_KEY_MAX, "idempotency_key")
        .throwIfInvalid();
      const warehouse = await ownership.requireWarehouse(callerId, warehouseId, { deadline });
      await ownership.requireProduct(callerId, rawProductId, { deadline });
      const productId = rawProductId.toLowerCase();
      const at = deps.now();
      await withTransactionRetry(() =>
        repo.transaction(async (tx) => {
          const receipt = await tx.insertReceipt({
            receiptId: newId(),
            warehouseId: warehouse.warehouseId,
            productId,
            quantity,
            idempotencyKey,
            createTime: at,
          });
          if (!receipt) {
            const original = await tx.findReceipt(warehouse.warehouseId, idempotencyKey);
            if (original?.productId !== productId || original.quantity !== quantity) throw idempotencyKeyReused(idempotencyKey);
            return;
          }
          // After the replay check (a receipt made while active stays answerable), under the
          // warehouse row's share lock taken before the level's row: the order transfers use,
          // so a deactivation cannot commit between this check and the receipt's commit.
          if ((await tx.lockWarehouseStatus(warehouse.warehouseId)) !== "ACTIVE") throw warehouseInactive(warehouse.warehouseId);
          if (!(await tx.addOnHand(warehouse.warehouseId, productId, quantity))) {
            throw onHandLimitExceeded(warehouse.warehouseId, productId, ON_HAND_MAX);
          }
          await tx.insertMovements([
            { movementId: newId(), warehouseId: warehouse.warehouseId, productId, kind: "RECEIPT", quantity, referenceId: idempotencyKey, createTime: at },
          ]);
        }),
      );
      const level = await repo.findLevel(warehouse.warehouseId, productId);
      if (!level) throw new Error("the level just written is gone");
      return level;
    },

    async listStockLevels(callerId, productId, options = {}) {
      await ownership.requireProduct(callerId, productId, options);
      return repo.levelsOfProduct(productId.toLowerCase());
    },

    async listStockMovements(callerId, { warehouseId, productId, beforeId, limit, deadline }) {
      new Validator()
        .check(productId === "" || isId(productId), "product_id", "INVALID_FORMAT", "must be a product id")
        .throwIfInvalid();
      const warehouse = await ownership.requireWarehouse(callerId, warehouseId, { deadline });
      return readPage(limit, (n) =>
        repo.listMovements({
          warehouseId: warehouse.warehouseId,
          productId: productId === "" ? undefined : productId.toLowerCase(),
          beforeId,
          limit: n,
        }),
      );
    },

    async getAvailability(productIds) {
      if (productIds.length > AVAILABILITY_MAX_IDS) {
        throw errors.invalidArgument([{ field: "product_ids", reason: "TOO_MANY", description: `at most ${AVAILABILITY_MAX_IDS} ids` }]);
      }
      // A malformed id is a mistake to report, not a product with nothing available.
      const v = new Validator();
      productIds.forEach((id, i) => v.check(isId(id), `product_ids[${i}]`, "INVALID_FORMAT", "must be a product id"));
      v.throwIfInvalid();
      const distinct = [...new Set(productIds)];
      const totals = await repo.availability([...new Set(distinct.map((id) => id.toLowerCase()))]);
      return distinct.map((productId) => ({ productId, availableQuantity: totals.get(productId.toLowerCase()) ?? 0 }));
    },
  };
}
