import { createOrderRepo, type OrderRepo } from "../db/repo.js";
import { orders } from "../db/schema/orders.js";
import { orderItems } from "../db/schema/order-items.js";
import { openTestDatabase, type MigratedTestDatabase } from "@wms/testing";
import { orderService } from "../module.js";

/** A fresh PostgreSQL database with the order schema migrated, for domain tests. */
export async function openOrderTestDatabase(): Promise<MigratedTestDatabase & { repo: OrderRepo; rowCount(): Promise<number>; close(): Promise<void> }> {
  const database = await openTestDatabase(orderService, "order_domain");
  return {
    ...database,
    repo: createOrderRepo(database.db),
    async rowCount() {
      return (await database.db.$count(orders)) + (await database.db.$count(orderItems));
    },
    close: () => database.drop(),
  };
}
