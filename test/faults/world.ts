import { randomBytes } from "node:crypto";
import { meshClients, type MeshClients } from "@wms/service";

/** gRPC clients as an outside caller has them: one channel per service, round-robin over its replicas. */
export type Clients = MeshClients;
export const connectClients = meshClients;

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
