import { randomBytes } from "node:crypto";
import { meshClients as clientsOf, type MeshClients } from "@wms/service";
import type { RunningMesh } from "./topology.js";

export type { MeshClients } from "@wms/service";

/** gRPC clients of the mesh, one per service (`clients.order`), as an outside caller has them. */
export const meshClients = (mesh: RunningMesh): MeshClients => clientsOf(mesh.addresses);

export interface Catalog {
  sellerToken: string;
  warehouseId: string;
  /** Product ids by name of the workload they serve. */
  products: { hot: string; spread: string[]; sellOut: string; sweep: string };
  buyerTokens: string[];
}

const PASSWORD = "bench-password-1";
/** Setup calls are not measured: give them time on a busy machine (registration hashes passwords). */
const setup = (bearerToken?: string) => ({ bearerToken, deadline: new Date(Date.now() + 120_000) });

/** Every id made through the public API, as a shop would: a seller, a warehouse, products, stock, buyers. */
export async function seedCatalog(c: MeshClients, o: { spreadSkus: number; buyers: number; sellOutStock: number; sweepStock: number }): Promise<Catalog> {
  const tag = randomBytes(4).toString("hex");
  const sellerEmail = `bench-seller-${tag}@example.com`;
  await c.user.register({ email: sellerEmail, phone: `+9${Date.now() % 1e10}1`, password: PASSWORD, shopName: `Bench ${tag}`, shopDescription: "" }, setup());
  const seller = await c.user.login({ login: sellerEmail, password: PASSWORD }, setup());
  const as = setup(seller.accessToken);
  const { shops } = await c.shop.listShops({ ownerUserId: seller.user!.userId, pageSize: 1, pageToken: "" }, as);
  const shopId = shops[0]!.shopId;
  const { warehouse } = await c.warehouse.createWarehouse({ shopId, name: "Bench main", location: "Bench" }, as);
  const warehouseId = warehouse!.warehouseId;

  const product = async (name: string, units: number) => {
    const { product: p } = await c.product.createProduct({ shopId, name, description: "", priceCents: 1999 }, as);
    if (units > 0) await c.warehouse.addStock({ warehouseId, productId: p!.productId, quantity: units, idempotencyKey: `seed-${p!.productId}` }, as);
    return p!.productId;
  };
  const hot = await product("Hot SKU", 100_000_000);
  const spread = await inBatches(Array.from({ length: o.spreadSkus }, (_, i) => i), 8, (i) => product(`Spread SKU ${i}`, 10_000_000));
  const sellOut = await product("Sell-out SKU", o.sellOutStock);
  const sweep = await product("Sweeper SKU", o.sweepStock);

  const buyerTokens = await inBatches(Array.from({ length: o.buyers }, (_, i) => i), 4, async (i) => {
    const email = `bench-buyer-${tag}-${i}@example.com`;
    await c.user.register({ email, phone: `+8${(Date.now() % 1e9) * 100 + i}`, password: PASSWORD, shopName: "", shopDescription: "" }, setup());
    return (await c.user.login({ login: email, password: PASSWORD }, setup())).accessToken;
  });
  return { sellerToken: seller.accessToken, warehouseId, products: { hot, spread, sellOut, sweep }, buyerTokens };
}

/** `work` over `items`, `width` at a time, results in order. */
export async function inBatches<T, R>(items: T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += width) out.push(...(await Promise.all(items.slice(i, i + width).map(work))));
  return out;
}
