import { errors } from "@wms/errors";
import { isId } from "../domain/products.js";

/** Reads one shop from the shop service (GetShop); failures arrive as DomainErrors. */
export type GetShop = (shopId: string, opts: { deadline?: Date }) => Promise<{ shop?: { ownerUserId: string } | undefined }>;

export interface ShopOwners {
  /** The owner of a shop: NOT_FOUND (SHOP_NOT_FOUND, from the shop service) when there is no such shop. */
  ownerOf(shopId: string, opts: { deadline?: Date }): Promise<string>;
}

/**
 * Shop owners, cached: a shop never changes owner, so a cached answer is never stale. Only
 * found shops are cached (a shop id unknown now may be created later); concurrent lookups of
 * one shop share a single call. The cache forgets its oldest entry beyond `maxEntries`.
 */
export function createShopOwners(getShop: GetShop, maxEntries: number): ShopOwners {
  const owners = new Map<string, string>();
  const inFlight = new Map<string, Promise<string>>();

  async function fetchOwner(shopId: string, deadline: Date | undefined): Promise<string> {
    const { shop } = await getShop(shopId, { deadline });
    if (!shop) throw new Error(`GetShop ${shopId} answered without a shop`);
    if (owners.size >= maxEntries) {
      const oldest = owners.keys().next();
      if (!oldest.done) owners.delete(oldest.value);
    }
    owners.set(shopId, shop.ownerUserId);
    return shop.ownerUserId;
  }

  return {
    async ownerOf(rawShopId, { deadline }) {
      // Malformed ids never reach the shop service; it would answer the same.
      if (!isId(rawShopId)) throw errors.notFound("shop", rawShopId);
      const shopId = rawShopId.toLowerCase();
      const cached = owners.get(shopId);
      if (cached !== undefined) return cached;
      let pending = inFlight.get(shopId);
      if (!pending) {
        pending = fetchOwner(shopId, deadline).finally(() => inFlight.delete(shopId));
        inFlight.set(shopId, pending);
      }
      return pending;
    },
  };
}
