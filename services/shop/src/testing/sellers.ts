import type { PromiseClient } from "@wms/grpc";
import { newId } from "@wms/db";
import type { ShopServiceService } from "@wms/proto/shop";
import type { TestTokens } from "@wms/testing";

/** A new seller (a fresh user id and its token) owning a new shop made through the shop service. */
export async function createSellerWithShop(
  shops: PromiseClient<typeof ShopServiceService>,
  tokens: TestTokens,
  name: string,
): Promise<{ sellerId: string; token: string; shopId: string }> {
  const sellerId = newId();
  const token = await tokens.user(sellerId, "seller");
  const { shop } = await shops.createShop({ name, description: "", ownerUserId: "" }, { bearerToken: token });
  if (!shop) throw new Error("CreateShop answered without a shop");
  return { sellerId, token, shopId: shop.shopId };
}
