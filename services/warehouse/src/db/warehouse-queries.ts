import { and, asc, eq, gt, inArray, type SQL } from "drizzle-orm";
import type { Database } from "@wms/db";
import { warehouses, type WarehouseRow, type WarehouseStatusValue } from "./schema/warehouses.js";

/** Queries on the warehouses table. */
export function warehouseQueries(db: Database) {
  return {
    async insertWarehouse(row: WarehouseRow): Promise<WarehouseRow> {
      const [inserted] = await db.insert(warehouses).values(row).returning();
      if (!inserted) throw new Error("insert returned no row");
      return inserted;
    },

    async findWarehouse(warehouseId: string): Promise<WarehouseRow | undefined> {
      const [row] = await db.select().from(warehouses).where(eq(warehouses.warehouseId, warehouseId)).limit(1);
      return row;
    },

    /**
     * The warehouse's status under a FOR SHARE row lock kept until the transaction ends. A status
     * change (the UPDATE in `updateWarehouse`) conflicts with it: it waits for every holder to
     * finish, and a holder that comes later waits for it and then reads the new status. So a
     * write that stays inside the transaction cannot land after a deactivation committed. Share,
     * not update: receipts and transfers into one warehouse do not queue behind each other.
     * Lock order: a warehouse row before any stock-level row (see transfers.ts).
     */
    async lockWarehouseStatus(warehouseId: string): Promise<WarehouseStatusValue | undefined> {
      const [row] = await db.select({ status: warehouses.status }).from(warehouses).where(eq(warehouses.warehouseId, warehouseId)).for("share");
      return row?.status;
    },

    async findWarehouses(warehouseIds: string[]): Promise<WarehouseRow[]> {
      if (warehouseIds.length === 0) return [];
      return db.select().from(warehouses).where(inArray(warehouses.warehouseId, warehouseIds));
    },

    /** A shop's warehouses in creation order (ids are time-ordered), after `afterId` when given. */
    async listWarehouses(filter: { shopId: string; afterId?: string; limit: number }): Promise<WarehouseRow[]> {
      const conditions: SQL[] = [eq(warehouses.shopId, filter.shopId)];
      if (filter.afterId) conditions.push(gt(warehouses.warehouseId, filter.afterId));
      return db
        .select()
        .from(warehouses)
        .where(and(...conditions))
        .orderBy(asc(warehouses.warehouseId))
        .limit(filter.limit);
    },

    async updateWarehouse(
      warehouseId: string,
      changes: { name?: string; location?: string; status?: WarehouseStatusValue },
    ): Promise<WarehouseRow | undefined> {
      const [row] = await db.update(warehouses).set(changes).where(eq(warehouses.warehouseId, warehouseId)).returning();
      return row;
    },

    async countWarehouses(): Promise<number> {
      return db.$count(warehouses);
    },
  };
}
