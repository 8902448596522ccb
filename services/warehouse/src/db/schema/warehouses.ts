import { sql } from "drizzle-orm";
import { check, index, text, timestamp, uuid } from "drizzle-orm/pg-core";
import type { WarehouseStatus } from "../../domain/model.js";
import { warehouseSchema } from "./warehouse-schema.js";

export const warehouses = warehouseSchema.table(
  "warehouses",
  {
    warehouseId: uuid("warehouse_id").primaryKey(),
    shopId: uuid("shop_id").notNull(),
    name: text("name").notNull(),
    location: text("location").notNull().default(""),
    status: text("status").$type<WarehouseStatus>().notNull(),
    createTime: timestamp("create_time", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("warehouses_shop_idx").on(t.shopId, t.warehouseId),
    check("warehouses_status_check", sql`${t.status} in ('ACTIVE', 'INACTIVE')`),
  ],
);

export type WarehouseRow = typeof warehouses.$inferSelect;
