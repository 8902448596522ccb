import type { Adjustment, Receipt, StockMovement, Transfer, Warehouse } from "../domain/model.js";
import type { AdjustmentRow } from "./schema/adjustments.js";
import type { ReceiptRow } from "./schema/receipts.js";
import type { StockMovementRow } from "./schema/stock-movements.js";
import type { TransferRow } from "./schema/transfers.js";
import type { WarehouseRow } from "./schema/warehouses.js";
import type { ReservationAllocation, ReservationRecord } from "../domain/reservation-model.js";
import type { ReservationRow } from "./schema/reservations.js";
import type { ReservationAllocationRow } from "./schema/reservation-allocations.js";

/**
 * The one place table rows become domain values. Fields are copied one by one, so a column
 * added to a table reaches the domain only when it is named here.
 */

export function toWarehouse(row: WarehouseRow): Warehouse {
  return { warehouseId: row.warehouseId, shopId: row.shopId, name: row.name, location: row.location, status: row.status, createTime: row.createTime };
}

export function toStockMovement(row: StockMovementRow): StockMovement {
  return {
    movementId: row.movementId,
    warehouseId: row.warehouseId,
    productId: row.productId,
    kind: row.kind,
    quantity: row.quantity,
    referenceId: row.referenceId,
    adjustmentReason: row.adjustmentReason,
    note: row.note,
    createTime: row.createTime,
  };
}

export function toReceipt(row: ReceiptRow): Receipt {
  return {
    receiptId: row.receiptId,
    warehouseId: row.warehouseId,
    productId: row.productId,
    quantity: row.quantity,
    idempotencyKey: row.idempotencyKey,
    createTime: row.createTime,
  };
}

export function toTransfer(row: TransferRow): Transfer {
  return {
    transferId: row.transferId,
    fromWarehouseId: row.fromWarehouseId,
    toWarehouseId: row.toWarehouseId,
    productId: row.productId,
    quantity: row.quantity,
    requestedBy: row.requestedBy,
    idempotencyKey: row.idempotencyKey,
    createTime: row.createTime,
  };
}

export function toAdjustment(row: AdjustmentRow): Adjustment {
  return {
    adjustmentId: row.adjustmentId,
    warehouseId: row.warehouseId,
    productId: row.productId,
    delta: row.delta,
    countedOnHand: row.countedOnHand,
    reason: row.reason,
    note: row.note,
    idempotencyKey: row.idempotencyKey,
    movementId: row.movementId,
    createTime: row.createTime,
  };
}

export function toReservationRecord(row: ReservationRow): ReservationRecord {
  return { reservationId: row.reservationId, status: row.status, expireTime: row.expireTime, createTime: row.createTime, updateTime: row.updateTime };
}

export function toReservationAllocation(row: ReservationAllocationRow): ReservationAllocation {
  return { reservationId: row.reservationId, productId: row.productId, warehouseId: row.warehouseId, quantity: row.quantity };
}
