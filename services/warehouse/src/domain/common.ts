import { errors, type DomainError } from "@wms/errors";

export { isId } from "@wms/db";

/** The Redlock/in-process key of a product's stock. */
export const skuLockKey = (productId: string): string => `sku:${productId.toLowerCase()}`;

/** Upper bound of one quantity in a request: far above any real order, far below int64 trouble. */
export const QUANTITY_MAX = 1_000_000_000;
export const IDEMPOTENCY_KEY_MAX = 200;

export function insufficientStock(productId: string): DomainError {
  return errors.failedPrecondition("INSUFFICIENT_STOCK", `not enough stock of product ${productId}`, { product_id: productId });
}

/** A key reused for a different request: replaying it must not silently do something else. */
export function idempotencyKeyReused(): DomainError {
  return errors.failedPrecondition("IDEMPOTENCY_KEY_REUSED", "this idempotency_key was already used for a different request");
}

/** Stock may leave an inactive warehouse but never enter it (DESIGN §2). */
export function warehouseInactive(warehouseId: string): DomainError {
  return errors.failedPrecondition("WAREHOUSE_INACTIVE", `warehouse ${warehouseId} is inactive and receives no stock`, { warehouse_id: warehouseId });
}
