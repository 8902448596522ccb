import { afterAll, beforeAll, beforeEach } from "vitest";
import { createLogger } from "@wms/logging";
import { TestClock } from "@wms/testing";
import { createOrdersDomain, type OrdersDomain, type SweeperDeps } from "../domain/index.js";
import { productCatalog } from "../peers/catalog.js";
import { warehouseReservations } from "../peers/warehouse.js";
import { openOrderTestDatabase } from "./database.js";
import { FakeCatalog, FakeWarehouse } from "./fakes.js";

/** One test's world: fields are replaced before each test, so read them inside tests only. */
export interface OrderDomainTest {
  database: Awaited<ReturnType<typeof openOrderTestDatabase>>;
  clock: TestClock;
  warehouse: FakeWarehouse;
  catalog: FakeCatalog;
  orders: OrdersDomain;
  /** The sweeper's dependencies over this test's fakes; PENDING is stale after 30 s. */
  sweeper(batchSize: number): SweeperDeps;
}

export interface OrderDomainOptions {
  reservationTtlMs: number;
  /** Stocked in the fake warehouse and priced in the fake catalog, afresh for each test. */
  products: Array<{ productId: string; stock: number; priceCents: number }>;
  /** The clock each test starts with (default: a fixed start, 2026-11-01T10:00Z). */
  clock?: () => TestClock;
}

const logger = createLogger("test", "silent");

/**
 * Registers this file's hooks: a fresh order database for the file (real PostgreSQL), and
 * before each test a new clock, fake warehouse and fake catalog with an orders domain over them
 * (through the real peer adapters, so their message conversion and error classification are
 * exercised too).
 */
export function orderDomainTest(options: OrderDomainOptions): OrderDomainTest {
  // Filled in by the hooks below, before any test reads it.
  const t = {} as OrderDomainTest;
  t.sweeper = (batchSize) => ({ repo: t.database.repo, warehouse: warehouseReservations(t.warehouse), now: t.clock.now, logger, batchSize, stalePendingAfterMs: 30_000 });
  beforeAll(async () => {
    t.database = await openOrderTestDatabase();
  });
  afterAll(async () => {
    await t.database?.close();
  });
  beforeEach(() => {
    t.clock = options.clock?.() ?? new TestClock(Date.parse("2026-11-01T10:00:00Z"));
    t.warehouse = new FakeWarehouse(t.clock.now);
    t.catalog = new FakeCatalog();
    for (const p of options.products) {
      t.warehouse.stock(p.productId, p.stock);
      t.catalog.add(p.productId, p.priceCents);
    }
    t.orders = createOrdersDomain({
      repo: t.database.repo,
      warehouse: warehouseReservations(t.warehouse),
      catalog: productCatalog(t.catalog),
      logger,
      reservationTtlMs: options.reservationTtlMs,
      now: t.clock.now,
    });
  });
  return t;
}
