import type { HandlersOf } from "@wms/grpc";
import type { UserServiceService } from "@wms/proto/user";
import type { UsersDomain } from "../domain/index.js";
import { toShopMessage, toUserMessage } from "../mapping.js";

/** Anyone may register; a shop_name makes a seller with a new shop, returned with the user. */
export function register(users: UsersDomain): HandlersOf<typeof UserServiceService>["register"] {
  return async (request) => {
    const { user, shop } = await users.register({
      email: request.email.trim(),
      phone: request.phone.trim(),
      password: request.password,
      shopName: request.shopName,
      shopDescription: request.shopDescription,
    });
    return { user: toUserMessage(user), shop: shop ? toShopMessage(shop) : undefined };
  };
}
