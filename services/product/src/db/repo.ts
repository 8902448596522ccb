import { and, asc, eq, gt, inArray, type SQL } from "drizzle-orm";
import { isUniqueViolation, type Database } from "@wms/db";
import { products, type ProductRow } from "./schema/products.js";

export type NewProductRow = Omit<ProductRow, "createTime"> & { createTime?: Date };
export type ProductChanges = Partial<Pick<ProductRow, "name" | "description" | "priceCents">>;
/** What an update did: the row as it is now, or why nothing changed. */
export type ProductUpdate = { kind: "updated"; row: ProductRow } | { kind: "not-found" } | { kind: "name-taken" };

export interface ProductRepo {
  insert(row: NewProductRow): Promise<ProductRow>;
  findById(productId: string): Promise<ProductRow | undefined>;
  update(productId: string, changes: ProductChanges): Promise<ProductUpdate>;
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
    async update(productId, changes) {
      try {
        const [row] = await db.update(products).set(changes).where(eq(products.productId, productId)).returning();
        return row ? { kind: "updated", row } : { kind: "not-found" };
      } catch (err) {
        if (isUniqueViolation(err, "products_shop_name_key")) return { kind: "name-taken" };
        throw err;
      }
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
