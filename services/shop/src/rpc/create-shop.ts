import { isId } from "@wms/db";
import type { HandlersOf } from "@wms/grpc";
import { errors } from "@wms/errors";
import type { ShopServiceService } from "@wms/proto/shop";
import { type ShopsDomain } from "../domain/index.js";
import { toShopMessage } from "../mapping.js";

/** A seller creates a shop they own; a service (registration) creates one for the user it names. */
export function createShop(shops: ShopsDomain): HandlersOf<typeof ShopServiceService>["createShop"] {
  return async (request, ctx) => {
    const caller = ctx.requireAny();
    let ownerUserId: string;
    if (caller.kind === "service") {
      if (!isId(request.ownerUserId)) throw errors.invalidArgument([{ field: "owner_user_id", reason: "INVALID_FORMAT", description: "must be a user id" }]);
      ownerUserId = request.ownerUserId;
    } else {
      ctx.requireUser("seller");
      if (request.ownerUserId !== "" && request.ownerUserId !== caller.userId) {
        throw errors.permissionDenied("SHOP_FOR_ANOTHER_USER", "a seller creates shops for themself only", { ownerUserId: request.ownerUserId });
      }
      ownerUserId = caller.userId;
    }
    const shop = await shops.createShop({ ownerUserId, name: request.name, description: request.description });
    return { shop: toShopMessage(shop) };
  };
}
