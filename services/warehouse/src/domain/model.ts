/**
 * What the warehouse service works with. The repository answers in these types (db/rows.ts is
 * where table rows become them) and mapping.ts turns them into messages; the tables take their
 * enumerations and their one limit from here, never the other way round.
 */

/** The most units one level may hold (documented in the API's limits; a CHECK enforces it too). */
export const ON_HAND_MAX = 1_000_000_000;

export type WarehouseStatus = "ACTIVE" | "INACTIVE";

export interface Warehouse {
  warehouseId: string;
  shopId: string;
  name: string;
  location: string;
  status: WarehouseStatus;
  createTime: Date;
}

/** One (warehouse, product) level with its warehouse's status, as every read of levels answers it. */
export interface StockLevel {
  warehouseId: string;
  productId: string;
  onHand: number;
  reserved: number;
  warehouseStatus: WarehouseStatus;
}

/** Units that can still be reserved in one active warehouse: what a reservation is planned over. */
export interface AvailableLevel {
  warehouseId: string;
  productId: string;
  available: number;
}

export type StockMovementKind = "RECEIPT" | "TRANSFER_OUT" | "TRANSFER_IN" | "RESERVE" | "RELEASE" | "COMMIT" | "ADJUSTMENT";
export type AdjustmentReason = "DAMAGED" | "LOST" | "FOUND" | "COUNT_CORRECTION" | "RETURNED";

/**
 * One ledger row. Quantities are positive and the kind gives the sign, except ADJUSTMENT: its
 * quantity is the signed change of on_hand, and it alone carries a reason and a note.
 */
export interface StockMovement {
  movementId: string;
  warehouseId: string;
  productId: string;
  kind: StockMovementKind;
  quantity: number;
  referenceId: string;
  adjustmentReason: AdjustmentReason | null;
  note: string | null;
  createTime: Date;
}

/** A movement to append: every kind but ADJUSTMENT leaves the reason and the note out. */
export type NewStockMovement = Omit<StockMovement, "adjustmentReason" | "note"> & Partial<Pick<StockMovement, "adjustmentReason" | "note">>;

/** An AddStock request as received: what a replay of its key is compared with. */
export interface Receipt {
  receiptId: string;
  warehouseId: string;
  productId: string;
  quantity: number;
  idempotencyKey: string;
  createTime: Date;
}

export interface Transfer {
  transferId: string;
  fromWarehouseId: string;
  toWarehouseId: string;
  productId: string;
  quantity: number;
  /** The idempotency key is scoped to this user. */
  requestedBy: string;
  idempotencyKey: string;
  createTime: Date;
}

/**
 * An AdjustStock request as asked (a delta or a counted on_hand, exactly one of them set): what
 * a replay of its key is compared with. The change applied is the ledger row `movementId`.
 */
export interface Adjustment {
  adjustmentId: string;
  warehouseId: string;
  productId: string;
  delta: number | null;
  countedOnHand: number | null;
  reason: AdjustmentReason;
  note: string;
  idempotencyKey: string;
  movementId: string;
  createTime: Date;
}
