import { sql } from "drizzle-orm";
import { check, index, text, timestamp } from "drizzle-orm/pg-core";
import { warehouseSchema } from "./warehouse-schema.js";

export type ReservationStatusValue = "HELD" | "COMMITTED" | "RELEASED";

/**
 * A reservation, keyed by the caller's id (the order id). A RELEASED row without allocations
 * is a tombstone: a release that arrived before its reserve, so the late reserve holds nothing.
 */
export const reservations = warehouseSchema.table(
  "reservations",
  {
    reservationId: text("reservation_id").primaryKey(),
    status: text("status").$type<ReservationStatusValue>().notNull(),
    expireTime: timestamp("expire_time", { withTimezone: true }).notNull(),
    createTime: timestamp("create_time", { withTimezone: true }).notNull().defaultNow(),
    updateTime: timestamp("update_time", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // The sweeper's scan: only held reservations, oldest expiry first.
    index("reservations_held_expiry_idx").on(t.expireTime).where(sql`${t.status} = 'HELD'`),
    check("reservations_status_check", sql`${t.status} in ('HELD', 'COMMITTED', 'RELEASED')`),
  ],
);

export type ReservationRow = typeof reservations.$inferSelect;
