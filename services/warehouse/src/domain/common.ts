import { errors, type DomainError } from "@wms/errors";

export { isId } from "@wms/db";

/** The Redlock/in-process key of a product's stock. */
export const skuLockKey = (productId: string): string => `sku:${productId.toLowerCase()}`;

/** Upper bound of one quantity in a request: far above any real order, far below int64 trouble. */
export const QUANTITY_MAX = 1_000_000_000;
export const IDEMPOTENCY_KEY_MAX = 200;

export function insufficientStock(productId: string, requested: number, available: number): DomainError {
  return errors.failedPrecondition("INSUFFICIENT_STOCK", `not enough stock of product ${productId}: ${requested} requested, ${available} available`, {
    productId,
    requested: String(requested),
    available: String(available),
  });
}

/** A key reused for a different request: replaying it must not silently do something else. */
export function idempotencyKeyReused(idempotencyKey: string): DomainError {
  return errors.failedPrecondition("IDEMPOTENCY_KEY_REUSED", "this idempotency key was already used for a different request", { idempotencyKey });
}

/** Stock may leave an inactive warehouse but never enter it (DESIGN §2). */
export function warehouseInactive(warehouseId: string): DomainError {
  return errors.failedPrecondition("WAREHOUSE_INACTIVE", `warehouse ${warehouseId} is inactive and receives no stock`, { warehouseId });
}

/** A change that would leave on_hand under the units already held for buyers (or under 0). */
export function belowReserved(level: { warehouseId: string; productId: string; onHand: number; reserved: number }, requestedOnHand: number): DomainError {
  return errors.failedPrecondition(
    "BELOW_RESERVED",
    `on_hand of product ${level.productId} in warehouse ${level.warehouseId} cannot become ${requestedOnHand}: ${level.reserved} units are reserved`,
    {
      warehouseId: level.warehouseId,
      productId: level.productId,
      onHand: String(level.onHand),
      reserved: String(level.reserved),
      requestedOnHand: String(requestedOnHand),
    },
  );
}

/** A level may hold at most ON_HAND_MAX units (a documented limit, enforced by a CHECK too). */
export function onHandLimitExceeded(warehouseId: string, productId: string, max: number): DomainError {
  return errors.failedPrecondition(
    "ON_HAND_LIMIT_EXCEEDED",
    `product ${productId} in warehouse ${warehouseId} would hold more than ${max} units`,
    { warehouseId, productId, limit: String(max) },
  );
}
