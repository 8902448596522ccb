import { and, asc, eq, gt, type SQL } from "drizzle-orm";
import type { Database } from "@wms/db";
import { shops, type ShopRow } from "./schema/shops.js";

export interface ShopRepo {
  insert(row: Omit<ShopRow, "createTime"> & { createTime?: Date }): Promise<ShopRow>;
  findById(shopId: string): Promise<ShopRow | undefined>;
  /** Ordered by id (time-ordered), after `afterId` when given. */
  list(filter: { ownerUserId?: string; afterId?: string; limit: number }): Promise<ShopRow[]>;
  count(): Promise<number>;
}

export function createShopRepo(db: Database): ShopRepo {
  return {
    async insert(row) {
      const [inserted] = await db.insert(shops).values(row).returning();
      if (!inserted) throw new Error("insert returned no row");
      return inserted;
    },
    async findById(shopId) {
      const [row] = await db.select().from(shops).where(eq(shops.shopId, shopId)).limit(1);
      return row;
    },
    async list({ ownerUserId, afterId, limit }) {
      const conditions: SQL[] = [];
      if (ownerUserId) conditions.push(eq(shops.ownerUserId, ownerUserId));
      if (afterId) conditions.push(gt(shops.shopId, afterId));
      return db.select().from(shops).where(and(...conditions)).orderBy(asc(shops.shopId)).limit(limit);
    },
    async count() {
      return db.$count(shops);
    },
  };
}
