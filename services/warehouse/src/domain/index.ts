import type { LockManager } from "@wms/locks";
import type { WarehouseRepo } from "../db/repo.js";
import type { Catalog } from "./catalog.js";
import { createOwnership } from "./ownership.js";
import { createWarehousesDomain, type WarehousesDomain } from "./warehouses.js";
import { createStockDomain, type StockDomain } from "./stock.js";
import { createTransfersDomain, type TransfersDomain } from "./transfers.js";
import { createAdjustmentsDomain, type AdjustmentsDomain } from "./adjustments.js";
import { createReservationsDomain, type ReservationsDomain } from "./reservations.js";
import { releaseExpiredReservations } from "./sweeper.js";

export type { Catalog, LookupOptions } from "./catalog.js";
export * from "./model.js";

export interface WarehouseDomainDeps {
  repo: WarehouseRepo;
  catalog: Catalog;
  locks: LockManager;
  /** The clock: expiry is decided by it, so tests move time instead of sleeping. */
  now?: () => Date;
  /** Test hook: a reservation pauses here after planning, before changing any level. */
  afterAllocate?: () => Promise<void>;
}

export interface WarehouseDomain {
  warehouses: WarehousesDomain;
  stock: StockDomain;
  transfers: TransfersDomain;
  adjustments: AdjustmentsDomain;
  reservations: ReservationsDomain;
  /** One sweeper batch at the domain's current time; how many reservations it released. */
  releaseExpired(batchSize: number): Promise<number>;
}

export function createWarehouseDomain(deps: WarehouseDomainDeps): WarehouseDomain {
  const now = deps.now ?? (() => new Date());
  const { repo, locks } = deps;
  const ownership = createOwnership(repo, deps.catalog);
  return {
    warehouses: createWarehousesDomain({ repo, ownership, now }),
    stock: createStockDomain({ repo, ownership, now }),
    transfers: createTransfersDomain({ repo, ownership, locks, now }),
    adjustments: createAdjustmentsDomain({ repo, ownership, locks, now }),
    reservations: createReservationsDomain({ repo, locks, now, afterAllocate: deps.afterAllocate }),
    releaseExpired: (batchSize) => releaseExpiredReservations(repo, { now: now(), batchSize }),
  };
}
