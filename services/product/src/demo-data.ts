import { demoProducts } from "@wms/demo";
import type { ProductRepo } from "./db/repo.js";

/** Loads the demo products when the service has none. */
export async function seedDemoProducts(repo: ProductRepo): Promise<boolean> {
  if ((await repo.count()) > 0) return false;
  for (const { productId, shopId, name, description, priceCents } of demoProducts) {
    const inserted = await repo.insert({ productId, shopId, name, description, priceCents });
    if (inserted.kind !== "created") throw new Error(`demo product ${productId}: ${inserted.kind}`);
  }
  return true;
}
