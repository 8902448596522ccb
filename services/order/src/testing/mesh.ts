import postgres from "postgres";
import type { PromiseClient } from "@wms/grpc";
import { newId } from "@wms/db";
import { OrderServiceService, type CheckoutItem } from "@wms/proto/order";
import { ProductServiceService } from "@wms/proto/product";
import { ShopServiceService } from "@wms/proto/shop";
import { WarehouseServiceService } from "@wms/proto/warehouse";
import { freePort, ledgerProblems, testServices, TEST_REDIS_URL, type TestTokens } from "@wms/testing";
import { shopService } from "@wms/shop-service";
import { createSellerWithShop } from "@wms/shop-service/testing";
import { productService } from "@wms/product-service";
import { warehouseService } from "@wms/warehouse-service";
import { orderService } from "../module.js";

export interface MeshOptions {
  label: string;
  /** Warehouse instances, each with extra environment (REDIS_URLS defaults to the test Redis). */
  warehouses?: Array<Record<string, string>>;
  /** Order instances: extra environment (RESERVATION_TTL, SWEEP_INTERVAL, ...) and which warehouse instance they call. */
  orders?: Array<{ env?: Record<string, string>; warehouse?: number }>;
}

/**
 * Real shop, product, warehouse and order services on one fresh database (each in its own
 * schema), several instances of the last two, each with its own pool.
 */
export interface OrderMesh {
  tokens: TestTokens;
  databaseUrl: string;
  addresses: { product: string; warehouses: string[]; orders: string[] };
  /** Read-only SQL on the shared test database, for checks across schemas. */
  sql: postgres.Sql;
  orders: PromiseClient<typeof OrderServiceService>[];
  warehouse: PromiseClient<typeof WarehouseServiceService>;
  shopId: string;
  sellerToken: string;
  /** A product of `priceCents` stocked with `stock[i]` units in a new warehouse each. */
  product(priceCents: number, stock: number[]): Promise<{ productId: string; warehouseIds: string[] }>;
  /** A new buyer's token. */
  buyer(): Promise<{ userId: string; token: string }>;
  available(productId: string): Promise<number>;
  /** Every stock level against its ledger and its HELD reservations; empty when all agree. */
  ledgerProblems(): Promise<string[]>;
  reservationStatus(reservationId: string): Promise<string | undefined>;
  orderRows(): Promise<number>;
  stop(): Promise<void>;
}

export async function startOrderMesh(options: MeshOptions): Promise<OrderMesh> {
  const services = testServices(options.label, { env: { DB_POOL_SIZE: "10" } });
  const { tokens } = services;
  const databaseUrl = (await services.env()).DATABASE_URL!;
  const sql = postgres(databaseUrl, { max: 2, onnotice: () => undefined });
  const stop = async () => {
    await sql.end({ timeout: 1 });
    await services.stop();
  };
  try {
    const shop = await services.start(shopService);
    // Product and warehouse call each other: their ports are chosen before either starts.
    const productPort = await freePort();
    const warehouseEnvs = options.warehouses ?? [{}];
    const warehousePorts = await Promise.all(warehouseEnvs.map(() => freePort()));
    const addr = (port: number) => `127.0.0.1:${port}`;
    await Promise.all(
      warehousePorts.map((port, i) =>
        services.start(warehouseService, {
          PORT: String(port),
          SHOP_SERVICE_ADDR: shop.address,
          PRODUCT_SERVICE_ADDR: addr(productPort),
          REDIS_URLS: TEST_REDIS_URL,
          ...warehouseEnvs[i],
        }),
      ),
    );
    await services.start(productService, {
      PORT: String(productPort),
      SHOP_SERVICE_ADDR: shop.address,
      WAREHOUSE_SERVICE_ADDR: addr(warehousePorts[0]!),
    });
    const orderServers = await Promise.all(
      (options.orders ?? [{}]).map((o) =>
        services.start(orderService, {
          PRODUCT_SERVICE_ADDR: addr(productPort),
          WAREHOUSE_SERVICE_ADDR: addr(warehousePorts[o.warehouse ?? 0]!),
          ...o.env,
        }),
      ),
    );

    const orders = orderServers.map((s) => services.client(OrderServiceService, s.address));
    const warehouse = services.client(WarehouseServiceService, addr(warehousePorts[0]!));
    const products = services.client(ProductServiceService, addr(productPort));
    const shops = services.client(ShopServiceService, shop.address);

    const { token: sellerToken, shopId } = await createSellerWithShop(shops, tokens, "order tests");
    let warehouseCount = 0;

    return {
      tokens,
      databaseUrl,
      addresses: { product: addr(productPort), warehouses: warehousePorts.map(addr), orders: orderServers.map((s) => s.address) },
      sql,
      orders,
      warehouse,
      shopId,
      sellerToken,
      async product(priceCents, stock) {
        const bearerToken = sellerToken;
        const { product } = await products.createProduct({ shopId, name: `p${newId().slice(-6)}`, description: "", priceCents }, { bearerToken });
        const productId = product!.productId;
        const warehouseIds: string[] = [];
        for (const units of stock) {
          const { warehouse: w } = await warehouse.createWarehouse({ shopId, name: `w${++warehouseCount}`, location: "" }, { bearerToken });
          warehouseIds.push(w!.warehouseId);
          if (units > 0) {
            await warehouse.addStock({ warehouseId: w!.warehouseId, productId, quantity: units, idempotencyKey: newId() }, { bearerToken });
          }
        }
        return { productId, warehouseIds };
      },
      async buyer() {
        const userId = newId();
        return { userId, token: await tokens.user(userId, "buyer") };
      },
      async available(productId) {
        const { items } = await warehouse.getAvailability({ productIds: [productId] });
        return items.find((i) => i.productId === productId)?.availableQuantity ?? 0;
      },
      ledgerProblems: () => ledgerProblems((statement) => sql.unsafe(statement)),
      async reservationStatus(reservationId) {
        const rows = await sql<{ status: string }[]>`select status from warehouse.reservations where reservation_id = ${reservationId}`;
        return rows[0]?.status;
      },
      async orderRows() {
        const rows = await sql<{ n: number }[]>`select count(*)::int as n from "order".orders`;
        return rows[0]?.n ?? 0;
      },
      stop,
    };
  } catch (err) {
    await stop().catch(() => undefined); // the start's own error is the one to show
    throw err;
  }
}

export const line = (productId: string, quantity = 1): CheckoutItem => ({ productId, quantity });
