import type { PromiseClient } from "@wms/grpc";
import { ProductServiceService } from "@wms/proto/product";
import { ShopServiceService } from "@wms/proto/shop";
import { testServices, type TestServices, type TestTokens } from "@wms/testing";
import { shopService } from "@wms/shop-service";
import { createSellerWithShop } from "@wms/shop-service/testing";
import { productService } from "../module.js";
import { startFakeWarehouse, type FakeWarehouse } from "./fake-warehouse.js";

/** A real shop service and product service on a fresh database, the warehouse faked over gRPC. */
export interface ProductHarness {
  tokens: TestTokens;
  /** The services' database and keys: more instances started here are stopped by stop(). */
  services: TestServices;
  warehouse: FakeWarehouse;
  /** Stops the shop service (idempotent), to show what keeps working without it. */
  stopShopService(): Promise<void>;
  products: PromiseClient<typeof ProductServiceService>;
  shops: PromiseClient<typeof ShopServiceService>;
  /** A new seller with a new shop. */
  newSellerWithShop(name?: string): Promise<{ sellerId: string; token: string; shopId: string }>;
  stop(): Promise<void>;
}

export async function startProductHarness(label: string): Promise<ProductHarness> {
  const services = testServices(label);
  const { tokens } = services;
  const warehouse = await startFakeWarehouse(tokens);
  const shopServer = await services.start(shopService);
  const productServer = await services.start(productService, {
    SHOP_SERVICE_ADDR: shopServer.address,
    WAREHOUSE_SERVICE_ADDR: warehouse.address,
  });
  const products = services.client(ProductServiceService, productServer.address);
  const shops = services.client(ShopServiceService, shopServer.address);
  let shopCount = 0;
  return {
    tokens,
    services,
    warehouse,
    // The started service's stop() is idempotent: stop() below will not stop it twice.
    stopShopService: () => shopServer.stop(),
    products,
    shops,
    newSellerWithShop: (name) => createSellerWithShop(shops, tokens, name ?? `shop ${++shopCount}`),
    async stop() {
      try {
        await services.stop();
      } finally {
        await warehouse.stop();
      }
    },
  };
}
