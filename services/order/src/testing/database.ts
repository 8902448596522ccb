import { fileURLToPath } from "node:url";
import { openDatabase, type Database } from "@wms/db";
import { createTestDatabase } from "@wms/testing";
import { createOrderRepo, type OrderRepo } from "../db/repo.js";
import { orders } from "../db/schema/orders.js";
import { orderItems } from "../db/schema/order-items.js";

/** A fresh PostgreSQL database with the order schema migrated, for domain tests. */
export async function openOrderTestDatabase(): Promise<{ db: Database; repo: OrderRepo; rowCount(): Promise<number>; close(): Promise<void> }> {
  const database = await createTestDatabase("order_domain");
  const handle = await openDatabase({
    url: database.url,
    dataDir: ":memory:",
    service: "order",
    migrationsFolder: fileURLToPath(new URL("../../drizzle", import.meta.url)),
    poolSize: 10,
  });
  return {
    db: handle.db,
    repo: createOrderRepo(handle.db),
    async rowCount() {
      return (await handle.db.$count(orders)) + (await handle.db.$count(orderItems));
    },
    async close() {
      await handle.close();
      await database.drop();
    },
  };
}
