import { fileURLToPath } from "node:url";
import { bindService } from "@wms/grpc";
import { WarehouseServiceService } from "@wms/proto/warehouse";
import { createLockManager } from "@wms/locks";
import { runPeriodically, type PeriodicTask, type ServiceModule } from "@wms/service";
import { registerSweeperLag, reservationCounter } from "@wms/telemetry";
import { warehouseConfigSpec } from "./config.js";
import { createWarehouseRepo } from "./db/repo.js";
import { createWarehouseDomain } from "./domain/index.js";
import { sweepExpiredReservations } from "./domain/sweeper.js";
import { createPeerCatalog } from "./peers/catalog.js";
import { seedDemoData } from "./demo-data.js";
import { createWarehouse } from "./rpc/create-warehouse.js";
import { getWarehouse } from "./rpc/get-warehouse.js";
import { listWarehouses } from "./rpc/list-warehouses.js";
import { updateWarehouse } from "./rpc/update-warehouse.js";
import { setWarehouseStatus } from "./rpc/set-warehouse-status.js";
import { addStock } from "./rpc/add-stock.js";
import { transferStock } from "./rpc/transfer-stock.js";
import { adjustStock } from "./rpc/adjust-stock.js";
import { listStockLevels } from "./rpc/list-stock-levels.js";
import { listStockMovements } from "./rpc/list-stock-movements.js";
import { getAvailability } from "./rpc/get-availability.js";
import { reserveStock } from "./rpc/reserve-stock.js";
import { commitReservation } from "./rpc/commit-reservation.js";
import { releaseReservation } from "./rpc/release-reservation.js";

export { releaseExpiredReservations } from "./domain/sweeper.js";

export const warehouseService: ServiceModule<typeof warehouseConfigSpec> = {
  name: "warehouse",
  configSpec: warehouseConfigSpec,
  migrationsFolder: fileURLToPath(new URL("../drizzle", import.meta.url)),
  async create({ config, db, readDb, logger, peers }) {
    const repo = createWarehouseRepo(db);
    const locks = createLockManager({ redisUrls: config.REDIS_URLS, ttlMs: config.LOCK_TTL, retryDelayMs: config.LOCK_RETRY_DELAY, service: "warehouse" });
    const catalog = createPeerCatalog(
      {
        getShop: (request, { deadline }) => peers.shop().getShop(request, { deadline }),
        batchGetProducts: (request, { deadline }) => peers.product().batchGetProducts(request, { deadline }),
      },
      config.OWNERSHIP_CACHE_SIZE,
    );
    const domain = createWarehouseDomain({ repo, catalog, locks });
    // Warehouse listings and the movement history may lag a read replica; everything that
    // decides stock (levels, availability, reservations) and every write reads the primary.
    const history = createWarehouseDomain({ repo: createWarehouseRepo(readDb), catalog, locks });
    let sweeper: PeriodicTask | undefined;
    let stopLagGauge: (() => void) | undefined;
    const countReservation = reservationCounter("warehouse");
    return {
      bindings: [
        bindService(WarehouseServiceService, {
          createWarehouse: createWarehouse(domain),
          getWarehouse: getWarehouse(domain),
          listWarehouses: listWarehouses(history),
          updateWarehouse: updateWarehouse(domain),
          setWarehouseStatus: setWarehouseStatus(domain),
          addStock: addStock(domain),
          adjustStock: adjustStock(domain),
          transferStock: transferStock(domain),
          listStockLevels: listStockLevels(domain),
          listStockMovements: listStockMovements(history),
          getAvailability: getAvailability(domain),
          reserveStock: reserveStock(domain),
          commitReservation: commitReservation(domain),
          releaseReservation: releaseReservation(domain),
        }),
      ],
      seedDemoData: () => seedDemoData(repo),
      startBackground() {
        stopLagGauge = registerSweeperLag("warehouse", () => repo.oldestExpiredHeld(new Date()));
        sweeper = runPeriodically(
          config.RESERVATION_SWEEP_INTERVAL,
          async (signal) => {
            const released = await sweepExpiredReservations({
              releaseBatch: async () => {
                const n = await domain.releaseExpired(config.RESERVATION_SWEEP_BATCH);
                countReservation("expired", n);
                return n;
              },
              batchSize: config.RESERVATION_SWEEP_BATCH,
              signal,
            });
            if (released > 0) logger.info({ released }, "released expired reservations");
          },
          (err) => logger.warn({ err }, "reservation sweep failed"),
        );
      },
      async stop() {
        stopLagGauge?.();
        await sweeper?.stop();
        await locks.close();
      },
    };
  },
};
