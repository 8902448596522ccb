import { fromTimestamp } from "@wms/grpc";
import type { CreateShopRequest, CreateShopResponse } from "@wms/proto/shop";
import type { CreateShopForUser } from "../domain/index.js";

/** The shop service's CreateShop, as the promise client exposes it; failures arrive as DomainErrors. */
export interface ShopPeer {
  createShop(request: CreateShopRequest): Promise<CreateShopResponse>;
}

/**
 * A new seller's shop, made by the shop service and answered in domain terms. `shops` is asked
 * on each call: the client is made on first use, and the shop service may start after this one.
 */
export function createShopForUser(shops: () => ShopPeer): CreateShopForUser {
  return async (request) => {
    const { shop } = await shops().createShop(request);
    if (!shop) throw new Error("CreateShop answered without a shop");
    return {
      shopId: shop.shopId,
      ownerUserId: shop.ownerUserId,
      name: shop.name,
      description: shop.description,
      createTime: shop.createTime ? fromTimestamp(shop.createTime) : new Date(0),
    };
  };
}
