import { LRUCache } from "lru-cache";
import { isId } from "@wms/db";
import { errors } from "@wms/errors";

/** Reads one shop from the shop service (GetShop); failures arrive as DomainErrors. */
export type GetShop = (shopId: string, opts: { deadline?: Date }) => Promise<{ shop?: { ownerUserId: string } | undefined }>;

export interface ShopOwners {
  /** The owner of a shop: NOT_FOUND (SHOP_NOT_FOUND, from the shop service) when there is no such shop. */
  ownerOf(shopId: string, opts: { deadline?: Date }): Promise<string>;
}

/**
 * Shop owners, cached: a shop never changes owner, so a cached answer is never stale (the least
 * recently used goes first beyond `maxEntries`). Concurrent lookups of one shop share one call.
 */
export function createShopOwners(getShop: GetShop, maxEntries: number): ShopOwners {
  const owners = new LRUCache<string, string, { deadline?: Date }>({
    max: maxEntries,
    fetchMethod: async (shopId, _stale, { context }) => {
      const { shop } = await getShop(shopId, { deadline: context.deadline });
      if (!shop) throw new Error(`GetShop ${shopId} answered without a shop`);
      return shop.ownerUserId;
    },
  });
  return {
    async ownerOf(shopId, opts) {
      // Malformed ids never reach the shop service; it would answer the same.
      if (!isId(shopId)) throw errors.notFound("shop", shopId);
      const owner = await owners.fetch(shopId.toLowerCase(), { context: { deadline: opts.deadline } });
      if (owner === undefined) throw errors.notFound("shop", shopId);
      return owner;
    },
  };
}
