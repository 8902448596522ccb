import { toTimestamp } from "@wms/grpc";
import {
  AdjustmentReason,
  ReservationStatus,
  StockMovementKind,
  WarehouseStatus,
  type AdjustStockRequest,
  type Reservation,
  type StockLevel as StockLevelMessage,
  type StockMovement as StockMovementMessage,
  type Transfer as TransferMessage,
  type Warehouse as WarehouseMessage,
} from "@wms/proto/warehouse";
import type { Reservation as ReservationModel } from "./domain/reservation-model.js";
import type { StockChange } from "./domain/adjustments.js";
import type {
  AdjustmentReason as AdjustmentReasonValue,
  StockLevel,
  StockMovement,
  StockMovementKind as StockMovementKindValue,
  Transfer,
  Warehouse,
  WarehouseStatus as WarehouseStatusValue,
} from "./domain/model.js";

const warehouseStatus: Record<WarehouseStatusValue, WarehouseStatus> = {
  ACTIVE: WarehouseStatus.WAREHOUSE_STATUS_ACTIVE,
  INACTIVE: WarehouseStatus.WAREHOUSE_STATUS_INACTIVE,
};
const movementKind: Record<StockMovementKindValue, StockMovementKind> = {
  RECEIPT: StockMovementKind.STOCK_MOVEMENT_KIND_RECEIPT,
  TRANSFER_OUT: StockMovementKind.STOCK_MOVEMENT_KIND_TRANSFER_OUT,
  TRANSFER_IN: StockMovementKind.STOCK_MOVEMENT_KIND_TRANSFER_IN,
  RESERVE: StockMovementKind.STOCK_MOVEMENT_KIND_RESERVE,
  RELEASE: StockMovementKind.STOCK_MOVEMENT_KIND_RELEASE,
  COMMIT: StockMovementKind.STOCK_MOVEMENT_KIND_COMMIT,
  ADJUSTMENT: StockMovementKind.STOCK_MOVEMENT_KIND_ADJUSTMENT,
};
const adjustmentReason: Record<AdjustmentReasonValue, AdjustmentReason> = {
  DAMAGED: AdjustmentReason.ADJUSTMENT_REASON_DAMAGED,
  LOST: AdjustmentReason.ADJUSTMENT_REASON_LOST,
  FOUND: AdjustmentReason.ADJUSTMENT_REASON_FOUND,
  COUNT_CORRECTION: AdjustmentReason.ADJUSTMENT_REASON_COUNT_CORRECTION,
  RETURNED: AdjustmentReason.ADJUSTMENT_REASON_RETURNED,
};
const reservationStatus: Record<ReservationModel["status"], ReservationStatus> = {
  HELD: ReservationStatus.RESERVATION_STATUS_HELD,
  COMMITTED: ReservationStatus.RESERVATION_STATUS_COMMITTED,
  RELEASED: ReservationStatus.RESERVATION_STATUS_RELEASED,
};

/** The stored status a request asks for; undefined for UNSPECIFIED or an unknown value. */
export function warehouseStatusFromMessage(status: WarehouseStatus): WarehouseStatusValue | undefined {
  if (status === WarehouseStatus.WAREHOUSE_STATUS_ACTIVE) return "ACTIVE";
  if (status === WarehouseStatus.WAREHOUSE_STATUS_INACTIVE) return "INACTIVE";
  return undefined;
}

/** The reason a request gives; undefined for UNSPECIFIED or an unknown value. */
export function adjustmentReasonFromMessage(reason: AdjustmentReason): AdjustmentReasonValue | undefined {
  return (Object.keys(adjustmentReason) as AdjustmentReasonValue[]).find((value) => adjustmentReason[value] === reason);
}

/** The oneof `change` of AdjustStockRequest; undefined when neither member is set. */
export function stockChangeFromMessage(change: AdjustStockRequest["change"]): StockChange | undefined {
  if (change?.$case === "delta") return { kind: "delta", delta: change.value };
  if (change?.$case === "countedOnHand") return { kind: "counted", countedOnHand: change.value };
  return undefined;
}

export function toWarehouseMessage(warehouse: Warehouse): WarehouseMessage {
  return {
    warehouseId: warehouse.warehouseId,
    shopId: warehouse.shopId,
    name: warehouse.name,
    location: warehouse.location,
    status: warehouseStatus[warehouse.status],
    createTime: toTimestamp(warehouse.createTime),
  };
}

export function toStockLevelMessage(level: StockLevel): StockLevelMessage {
  return {
    warehouseId: level.warehouseId,
    productId: level.productId,
    warehouseStatus: warehouseStatus[level.warehouseStatus],
    onHand: level.onHand,
    reserved: level.reserved,
    available: level.onHand - level.reserved,
  };
}

export function toTransferMessage(transfer: Transfer): TransferMessage {
  return {
    transferId: transfer.transferId,
    fromWarehouseId: transfer.fromWarehouseId,
    toWarehouseId: transfer.toWarehouseId,
    productId: transfer.productId,
    quantity: transfer.quantity,
    createTime: toTimestamp(transfer.createTime),
  };
}

export function toMovementMessage(movement: StockMovement): StockMovementMessage {
  return {
    movementId: movement.movementId,
    warehouseId: movement.warehouseId,
    productId: movement.productId,
    kind: movementKind[movement.kind],
    quantity: movement.quantity,
    referenceId: movement.referenceId,
    createTime: toTimestamp(movement.createTime),
    adjustmentReason: movement.adjustmentReason ? adjustmentReason[movement.adjustmentReason] : AdjustmentReason.ADJUSTMENT_REASON_UNSPECIFIED,
    note: movement.note ?? "",
  };
}

export function toReservationMessage(reservation: ReservationModel): Reservation {
  return {
    reservationId: reservation.reservationId,
    status: reservationStatus[reservation.status],
    allocations: reservation.allocations.map((a) => ({ productId: a.productId, warehouseId: a.warehouseId, quantity: a.quantity })),
    expireTime: toTimestamp(reservation.expireTime),
  };
}
