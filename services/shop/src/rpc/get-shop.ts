import type { HandlersOf } from "@wms/grpc";
import type { ShopServiceService } from "@wms/proto/shop";
import type { ShopsDomain } from "../domain/index.js";
import { toShopMessage } from "../mapping.js";

/** Anyone may read a shop. */
export function getShop(shops: ShopsDomain): HandlersOf<typeof ShopServiceService>["getShop"] {
  return async (request) => ({ shop: toShopMessage(await shops.getShop(request.shopId)) });
}
