import { and, asc, eq, gt, inArray, type SQL } from "drizzle-orm";
import type { Database } from "@wms/db";
import type { Warehouse, WarehouseStatus } from "../domain/model.js";
import { warehouses } from "./schema/warehouses.js";
import { toWarehouse } from "./rows.js";

/** Queries on the warehouses table. */
export function warehouseQueries(db: Database) {
  return {
    async insertWarehouse(warehouse: Warehouse): Promise<Warehouse> {
      const [inserted] = await db.insert(warehouses).values(warehouse).returning();
      if (!inserted) throw new Error("insert returned no row");
      return toWarehouse(inserted);
    },

    async findWarehouse(warehouseId: string): Promise<Warehouse | undefined> {
      const [row] = await db.select().from(warehouses).where(eq(warehouses.warehouseId, warehouseId)).limit(1);
      return row && toWarehouse(row);
    },

    /**
     * The warehouse's status under a FOR SHARE row lock kept until the transaction ends. A status
     * change (the UPDATE in `updateWarehouse`) conflicts with it: it waits for every holder to
     * finish, and a holder that comes later waits for it and then reads the new status. So a
     * write that stays inside the transaction cannot land after a deactivation committed. Share,
     * not update: receipts and transfers into one warehouse do not queue behind each other.
     * Lock order: a warehouse row before any stock-level row (see transfers.ts).
     */
    async lockWarehouseStatus(warehouseId: string): Promise<WarehouseStatus | undefined> {
      const [row] = await db.select({ status: warehouses.status }).from(warehouses).where(eq(warehouses.warehouseId, warehouseId)).for("share");
      return row?.status;
    },

    async findWarehouses(warehouseIds: string[]): Promise<Warehouse[]> {
      if (warehouseIds.length === 0) return [];
      return (await db.select().from(warehouses).where(inArray(warehouses.warehouseId, warehouseIds))).map(toWarehouse);
    },

    /** A shop's warehouses in creation order (ids are time-ordered), after `afterId` when given. */
    async listWarehouses(filter: { shopId: string; afterId?: string; limit: number }): Promise<Warehouse[]> {
      const conditions: SQL[] = [eq(warehouses.shopId, filter.shopId)];
      if (filter.afterId) conditions.push(gt(warehouses.warehouseId, filter.afterId));
      const rows = await db
        .select()
        .from(warehouses)
        .where(and(...conditions))
        .orderBy(asc(warehouses.warehouseId))
        .limit(filter.limit);
      return rows.map(toWarehouse);
    },

    async updateWarehouse(
      warehouseId: string,
      changes: { name?: string; location?: string; status?: WarehouseStatus },
    ): Promise<Warehouse | undefined> {
      const [row] = await db.update(warehouses).set(changes).where(eq(warehouses.warehouseId, warehouseId)).returning();
      return row && toWarehouse(row);
    },

    async countWarehouses(): Promise<number> {
      return db.$count(warehouses);
    },
  };
}
