import { randomBytes } from "node:crypto";
import { createClient, type PromiseClient } from "@wms/grpc";
import type { ServiceName } from "@wms/proto/services";
import { UserServiceService } from "@wms/proto/user";
import { ShopServiceService } from "@wms/proto/shop";
import { ProductServiceService } from "@wms/proto/product";
import { WarehouseServiceService } from "@wms/proto/warehouse";
import { OrderServiceService } from "@wms/proto/order";

/** gRPC clients as an outside caller has them: one channel per service, round-robin over its replicas. */
export interface Clients {
  user: PromiseClient<typeof UserServiceService>;
  shop: PromiseClient<typeof ShopServiceService>;
  product: PromiseClient<typeof ProductServiceService>;
  warehouse: PromiseClient<typeof WarehouseServiceService>;
  order: PromiseClient<typeof OrderServiceService>;
  close(): void;
}

export function connectClients(addresses: Record<ServiceName, string>): Clients {
  const c = {
    user: createClient(UserServiceService, addresses.user),
    shop: createClient(ShopServiceService, addresses.shop),
    product: createClient(ProductServiceService, addresses.product),
    warehouse: createClient(WarehouseServiceService, addresses.warehouse),
    order: createClient(OrderServiceService, addresses.order),
  };
  return { ...c, close: () => Object.values(c).forEach((client) => client.close()) };
}

/** What the load works on, all made through the public API as a shop would. */
export interface World {
  sellerToken: string;
  warehouseIds: [string, string];
  productIds: string[];
  buyerTokens: string[];
}

export const STOCK_PER_LEVEL = 100_000;
const PASSWORD = "faults-password-1";
const setup = (bearerToken?: string) => ({ bearerToken, deadline: new Date(Date.now() + 60_000) });

/** A seller with two warehouses, `products` products stocked in both, and `buyers` buyers. */
export async function seedWorld(c: Clients, o: { products: number; buyers: number }): Promise<World> {
  const tag = randomBytes(4).toString("hex");
  const phone = (prefix: number, i: number) => `+${prefix}${String(Date.now() % 1e9).padStart(9, "0")}${i}`;
  const sellerEmail = `faults-seller-${tag}@example.com`;
  await c.user.register({ email: sellerEmail, phone: phone(7, 0), password: PASSWORD, shopName: `Faults ${tag}`, shopDescription: "" }, setup());
  const seller = await c.user.login({ login: sellerEmail, password: PASSWORD }, setup());
  const as = setup(seller.accessToken);
  const { shops } = await c.shop.listShops({ ownerUserId: seller.user!.userId, pageSize: 1, pageToken: "" }, as);
  const shopId = shops[0]!.shopId;
  const warehouseIds: string[] = [];
  for (const name of ["North", "South"]) {
    const { warehouse } = await c.warehouse.createWarehouse({ shopId, name, location: name }, as);
    warehouseIds.push(warehouse!.warehouseId);
  }
  const productIds: string[] = [];
  for (let i = 0; i < o.products; i++) {
    const { product } = await c.product.createProduct({ shopId, name: `Faults SKU ${i}`, description: "", priceCents: 250 + i }, as);
    productIds.push(product!.productId);
    for (const warehouseId of warehouseIds) {
      await c.warehouse.addStock({ warehouseId, productId: product!.productId, quantity: STOCK_PER_LEVEL, idempotencyKey: `seed-${warehouseId}-${i}` }, as);
    }
  }
  const buyerTokens: string[] = [];
  for (let i = 0; i < o.buyers; i++) {
    const email = `faults-buyer-${tag}-${i}@example.com`;
    await c.user.register({ email, phone: phone(8, i), password: PASSWORD, shopName: "", shopDescription: "" }, setup());
    buyerTokens.push((await c.user.login({ login: email, password: PASSWORD }, setup())).accessToken);
  }
  return { sellerToken: seller.accessToken, warehouseIds: [warehouseIds[0]!, warehouseIds[1]!], productIds, buyerTokens };
}
