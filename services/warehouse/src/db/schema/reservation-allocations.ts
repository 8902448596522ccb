import { sql } from "drizzle-orm";
import { bigint, check, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { warehouseSchema } from "./warehouse-schema.js";
import { reservations } from "./reservations.js";
import { warehouses } from "./warehouses.js";

/** Where a reservation's units are held: commit and release touch exactly these levels. */
export const reservationAllocations = warehouseSchema.table(
  "reservation_allocations",
  {
    reservationId: text("reservation_id")
      .notNull()
      .references(() => reservations.reservationId),
    productId: uuid("product_id").notNull(),
    warehouseId: uuid("warehouse_id")
      .notNull()
      .references(() => warehouses.warehouseId),
    quantity: bigint("quantity", { mode: "number" }).notNull(),
  },
  (t) => [
    primaryKey({ name: "reservation_allocations_pkey", columns: [t.reservationId, t.productId, t.warehouseId] }),
    check("reservation_allocations_quantity_check", sql`${t.quantity} > 0`),
  ],
);

export type ReservationAllocationRow = typeof reservationAllocations.$inferSelect;
