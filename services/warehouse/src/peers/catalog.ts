import { DomainError } from "@wms/errors";
import { createImmutableCache } from "@wms/service";
import type { Catalog, LookupOptions } from "../domain/catalog.js";

/** The two peer calls the catalog makes, as the promise clients expose them. */
export interface CatalogPeers {
  getShop(request: { shopId: string }, options: LookupOptions): Promise<{ shop?: { ownerUserId: string } | undefined }>;
  batchGetProducts(
    request: { productIds: string[]; includeAvailability: boolean },
    options: LookupOptions,
  ): Promise<{ products: Array<{ productId: string; shopId: string }> }>;
}

/**
 * Ownership from the shop and product services, cached (a cached answer is never stale). Each
 * peer call carries the deadline of the call being served; concurrent lookups of one key share
 * the first caller's load, and so its deadline.
 */
export function createPeerCatalog(peers: CatalogPeers, maxEntries: number): Catalog {
  const shopOwners = createImmutableCache(maxEntries, async (shopId: string, { deadline }: LookupOptions) => {
    try {
      return (await peers.getShop({ shopId }, { deadline })).shop?.ownerUserId;
    } catch (err) {
      if (err instanceof DomainError && err.kind === "NOT_FOUND") return undefined;
      throw err;
    }
  });
  const productShops = createImmutableCache(maxEntries, async (productId: string, { deadline }: LookupOptions) => {
    // Unknown ids are left out of the answer, never an error.
    const { products } = await peers.batchGetProducts({ productIds: [productId], includeAvailability: false }, { deadline });
    return products.find((p) => p.productId.toLowerCase() === productId)?.shopId;
  });
  return {
    shopOwner: (shopId, { deadline } = {}) => shopOwners(shopId.toLowerCase(), { deadline }),
    productShop: (productId, { deadline } = {}) => productShops(productId.toLowerCase(), { deadline }),
  };
}
