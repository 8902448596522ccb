import { expect } from "vitest";
import { createClient, type PromiseClient } from "@wms/grpc";
import { ProductServiceService } from "@wms/proto/product";
import { ShopServiceService } from "@wms/proto/shop";
import { DomainError } from "@wms/errors";
import { newId } from "@wms/db";
import { createTestDatabase, startTestService, testTokens, type TestTokens } from "@wms/testing";
import { shopService } from "@wms/shop-service";
import { productService } from "../module.js";
import { startFakeWarehouse, type FakeWarehouse } from "./fake-warehouse.js";

/** A real shop service and product service on a fresh database, the warehouse faked over gRPC. */
export interface ProductHarness {
  tokens: TestTokens;
  databaseUrl: string;
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
  const tokens = testTokens();
  const database = await createTestDatabase(label);
  const keys = { DATABASE_URL: database.url, JWT_PRIVATE_KEY: tokens.privateKeyPem, JWT_PUBLIC_KEY: tokens.publicKeyPem };
  const warehouse = await startFakeWarehouse(tokens.publicKeyPem);
  const shopServer = await startTestService(shopService, keys);
  const productServer = await startTestService(productService, {
    ...keys,
    SHOP_SERVICE_ADDR: shopServer.address,
    WAREHOUSE_SERVICE_ADDR: warehouse.address,
  });
  const products = createClient(ProductServiceService, productServer.address);
  const shops = createClient(ShopServiceService, shopServer.address);
  let shopCount = 0;
  let shopStopped: Promise<void> | undefined;
  const stopShopService = () => (shopStopped ??= shopServer.stop());
  return {
    tokens,
    databaseUrl: database.url,
    warehouse,
    stopShopService,
    products,
    shops,
    async newSellerWithShop(name) {
      const sellerId = newId();
      const token = await tokens.user(sellerId, "seller");
      const { shop } = await shops.createShop({ name: name ?? `shop ${++shopCount}`, description: "", ownerUserId: "" }, { bearerToken: token });
      if (!shop) throw new Error("CreateShop answered without a shop");
      return { sellerId, token, shopId: shop.shopId };
    },
    async stop() {
      products.close();
      shops.close();
      await productServer.stop();
      await stopShopService();
      await warehouse.stop();
      await database.drop();
    },
  };
}

/** The DomainError a call failed with (the test fails if it succeeded). */
export async function rejection(p: Promise<unknown>): Promise<DomainError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(DomainError);
  return err as DomainError;
}
