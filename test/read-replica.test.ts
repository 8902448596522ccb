import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PromiseClient } from "@wms/grpc";
import { openDatabase, newId } from "@wms/db";
import { ProductServiceService } from "@wms/proto/product";
import { ShopServiceService } from "@wms/proto/shop";
import { WarehouseServiceService } from "@wms/proto/warehouse";
import { demoProducts, demoShops } from "@wms/demo";
import { createTestDatabase, freePort, testServices } from "@wms/testing";
import { shopService } from "@wms/shop-service";
import { productService } from "@wms/product-service";
import { warehouseService } from "@wms/warehouse-service";

// DATABASE_REPLICA_URLS: a second database stands in for the read replica. It is never
// written by replication, so whatever a call answers shows which database it read: listings
// and a product's page come from the "replica", stock decisions, prices for checkout, owner
// checks and every write from the primary.
const services = testServices("replica_primary", { env: { DEMO_DATA: "true" } });
const { tokens } = services;
let replica: Awaited<ReturnType<typeof createTestDatabase>>;
let replicaSql: postgres.Sql;
let primarySql: postgres.Sql;
let products: PromiseClient<typeof ProductServiceService>;
let shops: PromiseClient<typeof ShopServiceService>;
let warehouses: PromiseClient<typeof WarehouseServiceService>;

const shop = demoShops[0]!;
const smartphone = demoProducts.find((p) => p.name === "Smartphone X")!;
const replicaProductId = newId();
const replicaShopId = newId();
const replicaWarehouseId = newId();

beforeAll(async () => {
  replica = await createTestDatabase("replica");
  for (const module of [shopService, productService, warehouseService]) {
    const handle = await openDatabase({ url: replica.url, dataDir: "unused", service: module.name, migrationsFolder: module.migrationsFolder, poolSize: 1 });
    await handle.close();
  }
  replicaSql = postgres(replica.url, { max: 1, onnotice: () => undefined });
  await replicaSql`insert into product.products (product_id, shop_id, name, price_cents) values (${replicaProductId}, ${shop.shopId}, 'Only on the replica', 100)`;
  await replicaSql`insert into shop.shops (shop_id, owner_user_id, name) values (${replicaShopId}, ${shop.ownerUserId}, 'Replica Shop')`;
  await replicaSql`insert into warehouse.warehouses (warehouse_id, shop_id, name, status) values (${replicaWarehouseId}, ${shop.shopId}, 'Replica Warehouse', 'ACTIVE')`;
  await replicaSql`insert into warehouse.stock_levels (warehouse_id, product_id, on_hand, reserved) values (${replicaWarehouseId}, ${smartphone.productId}, 1000, 0)`;

  const env: Record<string, string> = { DATABASE_REPLICA_URLS: replica.url, DB_POOL_SIZE: "2" };
  const productPort = await freePort();
  env.SHOP_SERVICE_ADDR = (await services.start(shopService, env)).address;
  env.PRODUCT_SERVICE_ADDR = `127.0.0.1:${productPort}`;
  env.WAREHOUSE_SERVICE_ADDR = (await services.start(warehouseService, env)).address;
  await services.start(productService, { ...env, PORT: String(productPort) });
  products = services.client(ProductServiceService, env.PRODUCT_SERVICE_ADDR);
  shops = services.client(ShopServiceService, env.SHOP_SERVICE_ADDR);
  warehouses = services.client(WarehouseServiceService, env.WAREHOUSE_SERVICE_ADDR);
  primarySql = postgres((await services.env()).DATABASE_URL!, { max: 1, onnotice: () => undefined });
});
afterAll(async () => {
  await services.stop();
  await replicaSql?.end({ timeout: 1 });
  await primarySql?.end({ timeout: 1 });
  await replica?.drop();
});

describe("read replicas", () => {
  it("list products and a product's page from the replica", async () => {
    const page = await products.listProducts({ shopId: shop.shopId, pageSize: 0, pageToken: "" });
    expect(page.products.map((p) => p.name)).toEqual(["Only on the replica"]);
    expect((await products.getProduct({ productId: replicaProductId })).product?.name).toBe("Only on the replica");
    await expect(products.getProduct({ productId: smartphone.productId })).rejects.toMatchObject({ reason: "PRODUCT_NOT_FOUND" });
  });

  it("read the prices a checkout charges, and the availability it reserves against, from the primary", async () => {
    const service = await tokens.service("order");
    const batch = await products.batchGetProducts({ productIds: [smartphone.productId, replicaProductId], includeAvailability: false }, { bearerToken: service });
    expect(batch.products.map((p) => p.productId)).toEqual([smartphone.productId]);
    const availability = await warehouses.getAvailability({ productIds: [smartphone.productId] }, { bearerToken: service });
    expect(availability.items).toEqual([{ productId: smartphone.productId, availableQuantity: 150 }]);
  });

  it("list shops and warehouses from the replica, but check owners on the primary", async () => {
    const listed = await shops.listShops({ ownerUserId: "", pageSize: 0, pageToken: "" });
    expect(listed.shops.map((s) => s.name)).toEqual(["Replica Shop"]);
    expect((await shops.getShop({ shopId: shop.shopId })).shop?.name).toBe(shop.name);
    const seller = await tokens.user(shop.ownerUserId, "seller");
    const ws = await warehouses.listWarehouses({ shopId: shop.shopId, pageSize: 0, pageToken: "" }, { bearerToken: seller });
    expect(ws.warehouses.map((w) => w.warehouseId)).toEqual([replicaWarehouseId]);
  });

  it("write to the primary only", async () => {
    const seller = await tokens.user(shop.ownerUserId, "seller");
    const { product } = await products.createProduct({ shopId: shop.shopId, name: "Written", description: "", priceCents: 5 }, { bearerToken: seller });
    expect(await primarySql`select 1 from product.products where product_id = ${product!.productId}`).toHaveLength(1);
    expect(await replicaSql`select 1 from product.products where product_id = ${product!.productId}`).toHaveLength(0);
  });
});
