import { newId } from "@wms/db";
import type { Catalog } from "../domain/catalog.js";

/**
 * The shop and product services' answers, in memory: it stands for those services (not for
 * the database), so domain tests run without them.
 */
export class InMemoryCatalog implements Catalog {
  private readonly owners = new Map<string, string>();
  private readonly productShops = new Map<string, string>();

  addShop(ownerUserId: string, shopId: string = newId()): string {
    this.owners.set(shopId, ownerUserId);
    return shopId;
  }

  addProduct(shopId: string, productId: string = newId()): string {
    this.productShops.set(productId, shopId);
    return productId;
  }

  async shopOwner(shopId: string): Promise<string | undefined> {
    return this.owners.get(shopId.toLowerCase());
  }

  async productShop(productId: string): Promise<string | undefined> {
    return this.productShops.get(productId.toLowerCase());
  }
}
