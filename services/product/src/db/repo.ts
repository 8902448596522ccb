import { and, asc, eq, gt, inArray, type SQL } from "drizzle-orm";
import type { Database } from "@wms/db";
import { products, type ProductRow } from "./schema/products.js";

export type NewProductRow = Omit<ProductRow, "createTime"> & { createTime?: Date };

export interface ProductRepo {
  insert(row: NewProductRow): Promise<ProductRow>;
  findById(productId: string): Promise<ProductRow | undefined>;
  /** The rows of the given ids that exist, in no particular order. */
  findByIds(productIds: string[]): Promise<ProductRow[]>;
  /** Ordered by id (time-ordered), after `afterId` when given. */
  list(filter: { shopId?: string; afterId?: string; limit: number }): Promise<ProductRow[]>;
  count(): Promise<number>;
}

export function createProductRepo(db: Database): ProductRepo {
  return {
    async insert(row) {
      const [inserted] = await db.insert(products).values(row).returning();
      if (!inserted) throw new Error("insert returned no row");
      return inserted;
    },
    async findById(productId) {
      const [row] = await db.select().from(products).where(eq(products.productId, productId)).limit(1);
      return row;
    },
    async findByIds(productIds) {
      if (productIds.length === 0) return [];
      return db.select().from(products).where(inArray(products.productId, productIds));
    },
    async list({ shopId, afterId, limit }) {
      const conditions: SQL[] = [];
      if (shopId) conditions.push(eq(products.shopId, shopId));
      if (afterId) conditions.push(gt(products.productId, afterId));
      return db.select().from(products).where(and(...conditions)).orderBy(asc(products.productId)).limit(limit);
    },
    async count() {
      return db.$count(products);
    },
  };
}
