import { readPage, type Page } from "@wms/db";
import type { OrderRepo } from "../db/repo.js";
import { visibleStatuses, type Order, type VisibleStatus } from "./order.js";
import { findOwned } from "./settle.js";

/** A buyer reads only their own orders, and never the internal PENDING or FAILED ones. */
export function createQueries(repo: OrderRepo) {
  return {
    getOrder: (userId: string, orderId: string): Promise<Order> => findOwned(repo, userId, orderId),

    async listOrders(filter: {
      userId: string;
      status?: VisibleStatus;
      beforeId?: string;
      limit: number;
    }): Promise<Page<Order>> {
      const statuses = filter.status ? [filter.status] : [...visibleStatuses];
      return readPage(filter.limit, (n) => repo.list({ userId: filter.userId, statuses, beforeId: filter.beforeId, limit: n }));
    },
  };
}
