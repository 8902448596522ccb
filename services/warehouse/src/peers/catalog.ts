import { LRUCache } from "lru-cache";
import { DomainError } from "@wms/errors";
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
 * Ownership from the shop and product services, cached (a cached answer is never stale; the
 * least recently used goes first beyond `maxEntries`). Only found answers are kept: an unknown
 * id may be created later. Each peer call carries the deadline of the call being served;
 * concurrent lookups of one key share the first caller's load (lru-cache's fetch), and so its
 * deadline.
 */
export function createPeerCatalog(peers: CatalogPeers, maxEntries: number): Catalog {
  const shopOwners = new LRUCache<string, string, LookupOptions>({
    max: maxEntries,
    fetchMethod: async (shopId, _stale, { context }) => {
      try {
        return (await peers.getShop({ shopId }, { deadline: context.deadline })).shop?.ownerUserId;
      } catch (err) {
        if (err instanceof DomainError && err.kind === "NOT_FOUND") return undefined;
        throw err;
      }
    },
  });
  const productShops = new LRUCache<string, string, LookupOptions>({
    max: maxEntries,
    fetchMethod: async (productId, _stale, { context }) => {
      // Unknown ids are left out of the answer, never an error.
      const { products } = await peers.batchGetProducts({ productIds: [productId], includeAvailability: false }, { deadline: context.deadline });
      return products.find((p) => p.productId.toLowerCase() === productId)?.shopId;
    },
  });
  return {
    shopOwner: (shopId, { deadline } = {}) => shopOwners.fetch(shopId.toLowerCase(), { context: { deadline } }),
    productShop: (productId, { deadline } = {}) => productShops.fetch(productId.toLowerCase(), { context: { deadline } }),
  };
}
