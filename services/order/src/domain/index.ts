import type { Logger } from "@wms/logging";
import type { OrderRepo } from "../db/repo.js";
import { createCheckout } from "./checkout.js";
import type { ProductCatalog } from "./catalog.js";
import type { Clock } from "./order.js";
import { createPayment } from "./payment.js";
import { createQueries } from "./queries.js";
import type { WarehouseReservations } from "./warehouse.js";

export type { ProductCatalog } from "./catalog.js";
export type { Order, OrderStatus, VisibleStatus } from "./order.js";
export { visibleStatuses, isVisible } from "./order.js";
export type { WarehouseReservations, Reservation, ReservationStatus } from "./warehouse.js";
export { sweepOrders, type SweeperDeps, type SweepResult } from "./sweeper.js";

export interface OrdersDeps {
  repo: OrderRepo;
  warehouse: WarehouseReservations;
  catalog: ProductCatalog;
  logger: Logger;
  reservationTtlMs: number;
  now?: Clock;
}

/** The order service's rules, built from injected collaborators (real or fake peers, any clock). */
export function createOrdersDomain(deps: OrdersDeps) {
  const now = deps.now ?? (() => new Date());
  const { payOrder, cancelOrder } = createPayment({ repo: deps.repo, warehouse: deps.warehouse, now });
  return {
    checkout: createCheckout({ ...deps, now }),
    payOrder,
    cancelOrder,
    ...createQueries(deps.repo),
  };
}

export type OrdersDomain = ReturnType<typeof createOrdersDomain>;
