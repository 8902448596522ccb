import type { OrderRecord, OrderRepo } from "../db/repo.js";
import { visibleStatuses, type VisibleStatus } from "../mapping.js";
import { findOwned } from "./settle.js";

/** A buyer reads only their own orders, and never the internal PENDING or FAILED ones. */
export function createQueries(repo: OrderRepo) {
  return {
    getOrder: (userId: string, orderId: string): Promise<OrderRecord> => findOwned(repo, userId, orderId),

    async listOrders(filter: {
      userId: string;
      status?: VisibleStatus;
      beforeId?: string;
      limit: number;
    }): Promise<{ rows: OrderRecord[]; hasMore: boolean }> {
      const statuses = filter.status ? [filter.status] : [...visibleStatuses];
      // One extra row tells whether another page exists.
      const rows = await repo.list({ userId: filter.userId, statuses, beforeId: filter.beforeId, limit: filter.limit + 1 });
      return { rows: rows.slice(0, filter.limit), hasMore: rows.length > filter.limit };
    },
  };
}
