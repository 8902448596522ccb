import { and, asc, eq, gt, type SQL } from "drizzle-orm";
import { anyOf, isId, isUniqueViolation, type Database } from "@wms/db";
import { createCoalescer } from "@wms/locks";
import type { Product } from "../domain/index.js";
import { products, type ProductRow } from "./schema/products.js";

export type NewProduct = Omit<Product, "createTime"> & { createTime?: Date };
export type ProductChanges = Partial<Pick<Product, "name" | "description" | "priceCents">>;

/** The product was written, or its shop already has a product of that name (any case). */
export type InsertProductOutcome = { kind: "created"; product: Product } | { kind: "name-taken" };
/** What an update did: the product as it is now, or why nothing changed. */
export type ProductUpdate = { kind: "updated"; product: Product } | { kind: "not-found" } | { kind: "name-taken" };

export interface ProductRepo {
  insert(product: NewProduct): Promise<InsertProductOutcome>;
  findById(productId: string): Promise<Product | undefined>;
  update(productId: string, changes: ProductChanges): Promise<ProductUpdate>;
  /** The products of the given ids that exist, in no particular order. */
  findByIds(productIds: string[]): Promise<Product[]>;
  /** Ordered by id (time-ordered), after `afterId` when given. */
  list(filter: { shopId?: string; afterId?: string; limit: number }): Promise<Product[]>;
  count(): Promise<number>;
}

/** The one place rows become products. */
function toProduct(row: ProductRow): Product {
  return {
    productId: row.productId,
    shopId: row.shopId,
    name: row.name,
    description: row.description,
    priceCents: row.priceCents,
    createTime: row.createTime,
  };
}

/** Most concurrent look-ups answered by one SELECT. */
const LOOKUP_BATCH_MAX = 64;

export function createProductRepo(db: Database): ProductRepo {
  // Concurrent look-ups by id (every checkout prices its cart) share one SELECT.
  const findByIds = createCoalescer<string[], Product[]>({
    maxBatch: LOOKUP_BATCH_MAX,
    async run(batch) {
      // Only well-formed ids reach the array (one malformed id would fail the whole batch's cast).
      const ids = [...new Set(batch.flat().filter(isId).map((id) => id.toLowerCase()))];
      const rows = await db.select().from(products).where(anyOf(products.productId, ids, "uuid"));
      const found = new Map(rows.map((row) => [row.productId, toProduct(row)]));
      return batch.map((wanted) => ({ status: "fulfilled", value: [...new Set(wanted.map((id) => id.toLowerCase()))].flatMap((id) => found.get(id) ?? []) }));
    },
  });

  return {
    async insert(product) {
      try {
        const [inserted] = await db.insert(products).values(product).returning();
        if (!inserted) throw new Error("insert returned no row");
        return { kind: "created", product: toProduct(inserted) };
      } catch (err) {
        if (isUniqueViolation(err, "products_shop_name_key")) return { kind: "name-taken" };
        throw err;
      }
    },
    async findById(productId) {
      const [row] = await db.select().from(products).where(eq(products.productId, productId)).limit(1);
      return row && toProduct(row);
    },
    async update(productId, changes) {
      try {
        const [row] = await db.update(products).set(changes).where(eq(products.productId, productId)).returning();
        return row ? { kind: "updated", product: toProduct(row) } : { kind: "not-found" };
      } catch (err) {
        if (isUniqueViolation(err, "products_shop_name_key")) return { kind: "name-taken" };
        throw err;
      }
    },
    async findByIds(productIds) {
      if (productIds.length === 0) return [];
      return findByIds(productIds);
    },
    async list({ shopId, afterId, limit }) {
      const conditions: SQL[] = [];
      if (shopId) conditions.push(eq(products.shopId, shopId));
      if (afterId) conditions.push(gt(products.productId, afterId));
      const rows = await db.select().from(products).where(and(...conditions)).orderBy(asc(products.productId)).limit(limit);
      return rows.map(toProduct);
    },
    async count() {
      return db.$count(products);
    },
  };
}
