import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PromiseClient } from "@wms/grpc";
import { ProductServiceService } from "@wms/proto/product";
import { WarehouseServiceService, WarehouseStatus } from "@wms/proto/warehouse";
import { ShopServiceService } from "@wms/proto/shop";
import { demoProducts, demoShops, demoUsers } from "@wms/demo";
import { freePort, testServices } from "@wms/testing";
import { shopService } from "@wms/shop-service";
import { warehouseService } from "@wms/warehouse-service";
import { productService } from "../module.js";

// The real warehouse service as the product service's upstream, on the demo data.
const services = testServices("product_wh", { env: { DEMO_DATA: "true" } });
const { tokens } = services;
/** The peers' addresses, as the product service is given them. */
const env: Record<string, string> = {};
let products: PromiseClient<typeof ProductServiceService>;
let warehouses: PromiseClient<typeof WarehouseServiceService>;
let shops: PromiseClient<typeof ShopServiceService>;

beforeAll(async () => {
  // Product and warehouse each call the other: the product port is chosen up front.
  const productPort = await freePort();
  const shop = await services.start(shopService);
  env.SHOP_SERVICE_ADDR = shop.address;
  env.PRODUCT_SERVICE_ADDR = `127.0.0.1:${productPort}`;
  const warehouse = await services.start(warehouseService, env);
  env.WAREHOUSE_SERVICE_ADDR = warehouse.address;
  await services.start(productService, { ...env, PORT: String(productPort) });
  products = services.client(ProductServiceService, env.PRODUCT_SERVICE_ADDR);
  warehouses = services.client(WarehouseServiceService, warehouse.address);
  shops = services.client(ShopServiceService, shop.address);
});
afterAll(() => services.stop());

const demo = (name: string) => {
  const p = demoProducts.find((d) => d.name === name);
  if (!p) throw new Error(`no demo product ${name}`);
  return p;
};

describe("availability from the real warehouse service", () => {
  it("shows the demo stock of active warehouses only", async () => {
    const { product } = await products.getProduct({ productId: demo("Smartphone X").productId });
    expect(product).toMatchObject({ name: "Smartphone X", priceCents: 99999, availableQuantity: 150 });
    const page = await products.listProducts({ shopId: demoShops[1]!.shopId, pageSize: 0, pageToken: "" });
    expect(page.products.map((p) => [p.name, p.availableQuantity])).toEqual([
      ["Vacuum Cleaner", 120],
      ["Air Purifier", 90],
      ["Kitchen Blender", 170],
    ]);
  });

  it("follows stock received and warehouses switched off", async () => {
    const seller = demoUsers.find((u) => u.role === "seller")!;
    const bearerToken = await tokens.user(seller.userId, "seller");
    const shopId = demoShops.find((s) => s.ownerUserId === seller.userId)!.shopId;
    const { product } = await products.createProduct({ shopId, name: "Tablet", description: "", priceCents: 50000 }, { bearerToken });
    const productId = product!.productId;
    const north = (await warehouses.createWarehouse({ shopId, name: "North", location: "Medan" }, { bearerToken })).warehouse!;
    const south = (await warehouses.createWarehouse({ shopId, name: "South", location: "Bali" }, { bearerToken })).warehouse!;
    await warehouses.addStock({ warehouseId: north.warehouseId, productId, quantity: 5, idempotencyKey: "n1" }, { bearerToken });
    await warehouses.addStock({ warehouseId: south.warehouseId, productId, quantity: 3, idempotencyKey: "s1" }, { bearerToken });
    expect((await products.getProduct({ productId })).product?.availableQuantity).toBe(8);
    await warehouses.setWarehouseStatus({ warehouseId: north.warehouseId, status: WarehouseStatus.WAREHOUSE_STATUS_INACTIVE }, { bearerToken });
    expect((await products.getProduct({ productId })).product?.availableQuantity).toBe(3);
    const service = await tokens.service("order");
    const batch = await products.batchGetProducts({ productIds: [productId, demo("Smartphone X").productId], includeAvailability: true }, { bearerToken: service });
    expect(batch.products.map((p) => p.availableQuantity)).toEqual([3, 150]);
  });

  it("seeds the demo catalog once: a restart on the same database adds nothing", async () => {
    await services.start(productService, env);
    const all = await products.listProducts({ shopId: "", pageSize: 500, pageToken: "" });
    expect(all.products.filter((p) => p.name !== "Tablet").map((p) => p.productId)).toEqual(demoProducts.map((p) => p.productId));
    expect((await shops.getShop({ shopId: demoShops[0]!.shopId })).shop?.name).toBe("Tech Gadgets");
  });
});
