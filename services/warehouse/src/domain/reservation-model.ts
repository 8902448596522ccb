/** The reservation model of the domain: what db/ answers and rpc/ maps to messages. */

export type ReservationStatus = "HELD" | "COMMITTED" | "RELEASED";

/** What settles a held reservation: COMMIT ships its units, RELEASE returns them. */
export type SettleOutcome = "COMMIT" | "RELEASE";

/** Units of one product held in one warehouse for one reservation. */
export interface ReservationAllocation {
  reservationId: string;
  productId: string;
  warehouseId: string;
  quantity: number;
}

/**
 * A reservation with where its units are held. A RELEASED reservation without allocations is a
 * tombstone: a release that arrived before its reserve, so the late reserve holds nothing.
 */
export interface Reservation {
  reservationId: string;
  status: ReservationStatus;
  expireTime: Date;
  createTime: Date;
  updateTime: Date;
  allocations: ReservationAllocation[];
}

/** A reservation's own fields, before its allocations are attached. */
export type ReservationRecord = Omit<Reservation, "allocations">;
