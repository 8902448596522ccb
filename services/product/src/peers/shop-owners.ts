import { isId } from "@wms/db";
import { errors } from "@wms/errors";
import { createImmutableCache } from "@wms/service";

/** Reads one shop from the shop service (GetShop); failures arrive as DomainErrors. */
export type GetShop = (shopId: string, opts: { deadline?: Date }) => Promise<{ shop?: { ownerUserId: string } | undefined }>;

export interface ShopOwners {
  /** The owner of a shop: NOT_FOUND (SHOP_NOT_FOUND, from the shop service) when there is no such shop. */
  ownerOf(shopId: string, opts: { deadline?: Date }): Promise<string>;
}

/** Shop owners, cached: a shop never changes owner, so a cached answer is never stale. */
export function createShopOwners(getShop: GetShop, maxEntries: number): ShopOwners {
  const owners = createImmutableCache(maxEntries, async (shopId: string, opts: { deadline?: Date }) => {
    const { shop } = await getShop(shopId, opts);
    if (!shop) throw new Error(`GetShop ${shopId} answered without a shop`);
    return shop.ownerUserId;
  });
  return {
    async ownerOf(shopId, opts) {
      // Malformed ids never reach the shop service; it would answer the same.
      if (!isId(shopId)) throw errors.notFound("shop", shopId);
      const owner = await owners(shopId.toLowerCase(), { deadline: opts.deadline });
      if (owner === undefined) throw errors.notFound("shop", shopId);
      return owner;
    },
  };
}
