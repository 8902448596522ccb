import { fileURLToPath } from "node:url";
import { bindService } from "@wms/grpc";
import { OrderServiceService } from "@wms/proto/order";
import { runPeriodically, type PeriodicTask, type ServiceModule } from "@wms/service";
import { orderConfigSpec } from "./config.js";
import { createOrderRepo } from "./db/repo.js";
import { createOrdersDomain, sweepOrders } from "./domain/index.js";
import { productCatalog } from "./peers/catalog.js";
import { warehouseReservations } from "./peers/warehouse.js";
import { cancelOrder } from "./rpc/cancel-order.js";
import { checkout } from "./rpc/checkout.js";
import { getOrder } from "./rpc/get-order.js";
import { listOrders } from "./rpc/list-orders.js";
import { payOrder } from "./rpc/pay-order.js";

export const orderService: ServiceModule<typeof orderConfigSpec> = {
  name: "order",
  configSpec: orderConfigSpec,
  migrationsFolder: fileURLToPath(new URL("../drizzle", import.meta.url)),
  async create({ db, config, peers, logger }) {
    const repo = createOrderRepo(db);
    const warehouse = warehouseReservations(peers.warehouse());
    const catalog = productCatalog(peers.product());
    const orders = createOrdersDomain({ repo, warehouse, catalog, logger, reservationTtlMs: config.RESERVATION_TTL });
    let sweeper: PeriodicTask | undefined;
    return {
      bindings: [
        bindService(OrderServiceService, {
          checkout: checkout(orders),
          getOrder: getOrder(orders),
          listOrders: listOrders(orders),
          payOrder: payOrder(orders),
          cancelOrder: cancelOrder(orders),
        }),
      ],
      startBackground() {
        const deps = { repo, warehouse, now: () => new Date(), logger, batchSize: config.SWEEP_BATCH, stalePendingAfterMs: config.STALE_PENDING_AFTER };
        sweeper = runPeriodically(
          config.SWEEP_INTERVAL,
          async (signal) => {
            const r = await sweepOrders(deps, signal);
            if (r.expired + r.paid + r.abandoned + r.errors > 0) logger.info(r, "order sweep");
          },
          (err) => logger.error({ err }, "order sweep failed"),
        );
      },
      async stop() {
        await sweeper?.stop();
      },
    };
  },
};
