import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PromiseClient } from "@wms/grpc";
import { ShopServiceService } from "@wms/proto/shop";
import { newId } from "@wms/db";
import { rejection, testServices, testTokens } from "@wms/testing";
import { shopService } from "../module.js";

const services = testServices("shop");
const { tokens } = services;
let client: PromiseClient<typeof ShopServiceService>;
const seller = newId();

beforeAll(async () => {
  const service = await services.start(shopService);
  client = services.client(ShopServiceService, service.address);
});
afterAll(() => services.stop());

describe("ShopService", () => {
  it("lets a seller create a shop and anyone read it", async () => {
    const bearerToken = await tokens.user(seller, "seller");
    const { shop } = await client.createShop({ name: " Corner Store ", description: "d", ownerUserId: "" }, { bearerToken });
    expect(shop?.name).toBe("Corner Store");
    expect(shop?.ownerUserId).toBe(seller);
    const got = await client.getShop({ shopId: shop!.shopId });
    expect(got.shop).toEqual(shop);
  });

  it("refuses buyers, anonymous callers and empty names", async () => {
    const buyer = await tokens.user(newId(), "buyer");
    expect((await rejection(client.createShop({ name: "x", description: "", ownerUserId: "" }, { bearerToken: buyer }))).kind).toBe("PERMISSION_DENIED");
    expect((await rejection(client.createShop({ name: "x", description: "", ownerUserId: "" }))).kind).toBe("UNAUTHENTICATED");
    const bad = await rejection(client.createShop({ name: " ", description: "", ownerUserId: "" }, { bearerToken: await tokens.user(seller, "seller") }));
    expect(bad.kind).toBe("INVALID_ARGUMENT");
    expect(bad.fieldViolations).toEqual([{ field: "name", reason: "REQUIRED", description: "must not be empty" }]);
  });

  it("rejects a forged token as UNAUTHENTICATED", async () => {
    const other = testTokens();
    const forged = await other.user(seller, "seller");
    expect((await rejection(client.createShop({ name: "x", description: "", ownerUserId: "" }, { bearerToken: forged }))).kind).toBe("UNAUTHENTICATED");
  });

  it("pages through an owner's shops", async () => {
    const owner = newId();
    const bearerToken = await tokens.user(owner, "seller");
    for (let i = 0; i < 5; i++) await client.createShop({ name: `s${i}`, description: "", ownerUserId: "" }, { bearerToken });
    const names: string[] = [];
    let pageToken = "";
    do {
      const page = await client.listShops({ ownerUserId: owner, pageSize: 2, pageToken });
      names.push(...page.shops.map((s) => s.name));
      pageToken = page.nextPageToken;
    } while (pageToken);
    expect(names).toEqual(["s0", "s1", "s2", "s3", "s4"]);
    expect((await rejection(client.listShops({ ownerUserId: "", pageSize: 2, pageToken: "garbage" }))).kind).toBe("INVALID_ARGUMENT");
    const crafted = Buffer.from(JSON.stringify({ k: "x' or 1=1" })).toString("base64url");
    expect((await rejection(client.listShops({ ownerUserId: "", pageSize: 2, pageToken: crafted }))).kind).toBe("INVALID_ARGUMENT");
  });

  it("answers NOT_FOUND for an unknown or malformed id", async () => {
    expect((await rejection(client.getShop({ shopId: newId() }))).reason).toBe("SHOP_NOT_FOUND");
    expect((await rejection(client.getShop({ shopId: "nope" }))).kind).toBe("NOT_FOUND");
  });
});
