import { afterAll, describe, expect, it } from "vitest";
import { ConfigError } from "@wms/config";
import { ShopServiceService } from "@wms/proto/shop";
import { newId } from "@wms/db";
import { shopService } from "@wms/shop-service";
import { testServices } from "@wms/testing";
import { userService } from "./module.js";

const services = testServices("keys");
afterAll(() => services.stop());

// Only the user service holds the key that signs access tokens; the others verify with the
// public key alone, as a production deployment configures them.
describe("key distribution", () => {
  it("refuses to start the user service without JWT_PRIVATE_KEY", async () => {
    const err = await services.start(userService, { JWT_PRIVATE_KEY: "" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems.join()).toContain("JWT_PRIVATE_KEY");
  });

  it("runs another service with the public key only, accepting user tokens", async () => {
    const shop = await services.start(shopService, { JWT_PRIVATE_KEY: "" });
    const shops = services.client(ShopServiceService, shop.address);
    const bearerToken = await services.tokens.user(newId(), "seller");
    const { shop: created } = await shops.createShop({ name: "Public-key shop", description: "", ownerUserId: "" }, { bearerToken });
    expect(created?.name).toBe("Public-key shop");
  });
});
