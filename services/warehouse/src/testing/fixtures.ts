import { afterAll, beforeAll } from "vitest";
import { sql } from "drizzle-orm";
import { newId, queryRows, type Database } from "@wms/db";
import {
  assertLedgerMatchesLevels as assertLedger,
  openTestDatabase as openMigratedTestDatabase,
  TestClock,
  type MigratedTestDatabase,
  type RunSql,
} from "@wms/testing";
import { InProcessLockManager, type LockManager } from "@wms/locks";
import { createWarehouseRepo, type WarehouseRepo } from "../db/repo.js";
import { createWarehouseDomain, type WarehouseDomain, type WarehouseDomainDeps } from "../domain/index.js";
import { warehouseService } from "../module.js";
import { InMemoryCatalog } from "./catalog.js";

export { TestClock } from "@wms/testing";

/** A fresh database with the warehouse schema migrated, for one test file. */
export const openTestDatabase = (label: string): Promise<MigratedTestDatabase> => openMigratedTestDatabase(warehouseService, label);

/** The ledger invariant (see @wms/testing) over this database; throws listing every mismatch. */
export function assertLedgerMatchesLevels(db: Database, productIds?: string[]): Promise<void> {
  const run: RunSql = (statement) => queryRows<Record<string, unknown>>(db, sql.raw(statement));
  return assertLedger(run, productIds);
}

/** A warehouse domain over `db` with an in-memory catalog, in-process locks and a test clock. */
export function testDomain(
  db: Database,
  overrides: Partial<Pick<WarehouseDomainDeps, "locks" | "afterAllocate">> & { catalog?: InMemoryCatalog; clock?: TestClock } = {},
): { domain: WarehouseDomain; repo: WarehouseRepo; catalog: InMemoryCatalog; clock: TestClock; locks: LockManager } {
  const repo = createWarehouseRepo(db);
  const catalog = overrides.catalog ?? new InMemoryCatalog();
  const clock = overrides.clock ?? new TestClock();
  const locks = overrides.locks ?? new InProcessLockManager();
  const domain = createWarehouseDomain({ repo, catalog, locks, now: clock.now, afterAllocate: overrides.afterAllocate });
  return { domain, repo, catalog, clock, locks };
}

/** A test domain over this file's own database: `db` is that database. */
export type TestDomainSuite = ReturnType<typeof testDomain> & { db: Database };

/**
 * Registers this file's hooks: a fresh migrated database (`label`) and a test domain over it,
 * dropped after the file. The fields are filled in beforeAll: read them inside tests only.
 */
export function useTestDomain(label: string): TestDomainSuite {
  const suite = {} as TestDomainSuite;
  let database: MigratedTestDatabase | undefined;
  beforeAll(async () => {
    database = await openTestDatabase(label);
    Object.assign(suite, testDomain(database.db), { db: database.db });
  });
  afterAll(async () => {
    await database?.drop();
  });
  return suite;
}

/** Every lock "lost", so only the database protects. */
export { noLocks } from "@wms/locks";

/** A seller with a shop, `warehouseCount` active warehouses and a product, stocked as given. */
export async function sellerWorld(
  domain: WarehouseDomain,
  catalog: InMemoryCatalog,
  stock: number[],
): Promise<{ sellerId: string; shopId: string; productId: string; warehouseIds: string[] }> {
  const sellerId = newId();
  const shopId = catalog.addShop(sellerId);
  const productId = catalog.addProduct(shopId);
  const warehouseIds: string[] = [];
  for (const [i, units] of stock.entries()) {
    const w = await domain.warehouses.createWarehouse(sellerId, { shopId, name: `W${i}`, location: "" });
    warehouseIds.push(w.warehouseId);
    if (units > 0) await domain.stock.addStock(sellerId, { warehouseId: w.warehouseId, productId, quantity: units, idempotencyKey: `seed-${i}` });
  }
  return { sellerId, shopId, productId, warehouseIds };
}
