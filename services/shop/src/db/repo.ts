import { and, asc, eq, gt, type SQL } from "drizzle-orm";
import type { Database } from "@wms/db";
import type { Shop } from "../domain/index.js";
import { shops, type ShopRow } from "./schema/shops.js";

export interface ShopRepo {
  insert(shop: Omit<Shop, "createTime"> & { createTime?: Date }): Promise<Shop>;
  findById(shopId: string): Promise<Shop | undefined>;
  /** Ordered by id (time-ordered), after `afterId` when given. */
  list(filter: { ownerUserId?: string; afterId?: string; limit: number }): Promise<Shop[]>;
  count(): Promise<number>;
}

/** The one place rows become shops. */
function toShop(row: ShopRow): Shop {
  return { shopId: row.shopId, ownerUserId: row.ownerUserId, name: row.name, description: row.description, createTime: row.createTime };
}

export function createShopRepo(db: Database): ShopRepo {
  return {
    async insert(shop) {
      const [inserted] = await db.insert(shops).values(shop).returning();
      if (!inserted) throw new Error("insert returned no row");
      return toShop(inserted);
    },
    async findById(shopId) {
      const [row] = await db.select().from(shops).where(eq(shops.shopId, shopId)).limit(1);
      return row && toShop(row);
    },
    async list({ ownerUserId, afterId, limit }) {
      const conditions: SQL[] = [];
      if (ownerUserId) conditions.push(eq(shops.ownerUserId, ownerUserId));
      if (afterId) conditions.push(gt(shops.shopId, afterId));
      const rows = await db.select().from(shops).where(and(...conditions)).orderBy(asc(shops.shopId)).limit(limit);
      return rows.map(toShop);
    },
    async count() {
      return db.$count(shops);
    },
  };
}
