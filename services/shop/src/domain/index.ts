import { errors, Validator } from "@wms/errors";
import { isId, newId, readPage, type Page } from "@wms/db";
import type { ShopRepo } from "../db/repo.js";

export const SHOP_NAME_MAX = 120;
export const SHOP_DESCRIPTION_MAX = 2000;

export interface Shop {
  shopId: string;
  ownerUserId: string;
  name: string;
  description: string;
  createTime: Date;
}

export interface ShopsDomain {
  createShop(input: { ownerUserId: string; name: string; description: string }): Promise<Shop>;
  getShop(shopId: string): Promise<Shop>;
  listShops(filter: { ownerUserId?: string; afterId?: string; limit: number }): Promise<Page<Shop>>;
}

export function createShopsDomain(deps: { repo: ShopRepo; now?: () => Date }): ShopsDomain {
  const now = deps.now ?? (() => new Date());
  return {
    async createShop({ ownerUserId, name, description }) {
      new Validator()
        .required(name, "name")
        .text(name, SHOP_NAME_MAX, "name")
        .text(description, SHOP_DESCRIPTION_MAX, "description")
        .throwIfInvalid();
      return deps.repo.insert({ shopId: newId(), ownerUserId, name: name.trim(), description: description.trim(), createTime: now() });
    },
    async getShop(shopId) {
      const shop = isId(shopId) ? await deps.repo.findById(shopId) : undefined;
      if (!shop) throw errors.notFound("shop", shopId);
      return shop;
    },
    async listShops({ ownerUserId, afterId, limit }) {
      // One extra row tells whether another page exists.
      return readPage(limit, (n) => deps.repo.list({ ownerUserId, afterId, limit: n }));
    },
  };
}
