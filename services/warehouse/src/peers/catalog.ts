import { DomainError } from "@wms/errors";
import type { Catalog } from "../domain/catalog.js";

/** The two peer calls the catalog makes, as the promise clients expose them. */
export interface CatalogPeers {
  getShop(request: { shopId: string }): Promise<{ shop?: { ownerUserId: string } | undefined }>;
  batchGetProducts(request: { productIds: string[]; includeAvailability: boolean }): Promise<{ products: Array<{ productId: string; shopId: string }> }>;
}

/**
 * Ownership from the shop and product services, cached: a shop never changes owner and a
 * product never changes shop, so a cached answer is never stale. Only found ids are cached
 * (an unknown id may be created later); concurrent lookups of one id share one call.
 */
export function createPeerCatalog(peers: CatalogPeers, maxEntries: number): Catalog {
  const shopOwners = cached(maxEntries, async (shopId) => {
    try {
      return (await peers.getShop({ shopId })).shop?.ownerUserId;
    } catch (err) {
      if (err instanceof DomainError && err.kind === "NOT_FOUND") return undefined;
      throw err;
    }
  });
  const productShops = cached(maxEntries, async (productId) => {
    // Unknown ids are left out of the answer, never an error.
    const { products } = await peers.batchGetProducts({ productIds: [productId], includeAvailability: false });
    return products.find((p) => p.productId.toLowerCase() === productId)?.shopId;
  });
  return {
    shopOwner: (shopId) => shopOwners(shopId.toLowerCase()),
    productShop: (productId) => productShops(productId.toLowerCase()),
  };
}

function cached(maxEntries: number, load: (id: string) => Promise<string | undefined>): (id: string) => Promise<string | undefined> {
  const values = new Map<string, string>();
  const inFlight = new Map<string, Promise<string | undefined>>();
  return async (id) => {
    const hit = values.get(id);
    if (hit !== undefined) return hit;
    let pending = inFlight.get(id);
    if (!pending) {
      pending = load(id)
        .then((value) => {
          if (value !== undefined) {
            if (values.size >= maxEntries) {
              const oldest = values.keys().next();
              if (!oldest.done) values.delete(oldest.value);
            }
            values.set(id, value);
          }
          return value;
        })
        .finally(() => inFlight.delete(id));
      inFlight.set(id, pending);
    }
    return pending;
  };
}
