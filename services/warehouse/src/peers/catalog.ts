import { DomainError } from "@wms/errors";
import { createImmutableCache } from "@wms/service";
import type { Catalog } from "../domain/catalog.js";

/** The two peer calls the catalog makes, as the promise clients expose them. */
export interface CatalogPeers {
  getShop(request: { shopId: string }): Promise<{ shop?: { ownerUserId: string } | undefined }>;
  batchGetProducts(request: { productIds: string[]; includeAvailability: boolean }): Promise<{ products: Array<{ productId: string; shopId: string }> }>;
}

/** Ownership from the shop and product services, cached (a cached answer is never stale). */
export function createPeerCatalog(peers: CatalogPeers, maxEntries: number): Catalog {
  const shopOwners = createImmutableCache(maxEntries, async (shopId: string) => {
    try {
      return (await peers.getShop({ shopId })).shop?.ownerUserId;
    } catch (err) {
      if (err instanceof DomainError && err.kind === "NOT_FOUND") return undefined;
      throw err;
    }
  });
  const productShops = createImmutableCache(maxEntries, async (productId: string) => {
    // Unknown ids are left out of the answer, never an error.
    const { products } = await peers.batchGetProducts({ productIds: [productId], includeAvailability: false });
    return products.find((p) => p.productId.toLowerCase() === productId)?.shopId;
  });
  return {
    shopOwner: (shopId) => shopOwners(shopId.toLowerCase(), undefined),
    productShop: (productId) => productShops(productId.toLowerCase(), undefined),
  };
}
