import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "@wms/db";
import { rejection } from "@wms/testing";
import { startProductHarness, type ProductHarness } from "../testing/harness.js";

let h: ProductHarness;
let owner: { sellerId: string; token: string; shopId: string };
let otherSeller: { sellerId: string; token: string; shopId: string };

beforeAll(async () => {
  h = await startProductHarness("product_create");
  owner = await h.newSellerWithShop("Owner's shop");
  otherSeller = await h.newSellerWithShop("Someone else's shop");
});
afterAll(async () => {
  await h?.stop();
});

const request = (shopId: string, fields: Partial<{ name: string; description: string; priceCents: number }> = {}) => ({
  shopId,
  name: fields.name ?? `product ${newId()}`,
  description: fields.description ?? "",
  priceCents: fields.priceCents ?? 1000,
});

async function namesInShop(shopId: string): Promise<string[]> {
  h.warehouse.failWith = undefined;
  const { products } = await h.products.listProducts({ shopId, pageSize: 500, pageToken: "" });
  return products.map((p) => p.name);
}

describe("CreateProduct", () => {
  it("lets the shop's owner add a product, trimmed, with nothing available yet", async () => {
    const { product } = await h.products.createProduct(
      { shopId: owner.shopId, name: "  Desk Lamp ", description: " warm light ", priceCents: 4599 },
      { bearerToken: owner.token },
    );
    expect(product).toMatchObject({ shopId: owner.shopId, name: "Desk Lamp", description: "warm light", priceCents: 4599, availableQuantity: 0 });
    expect(product?.createTime?.seconds).toBeGreaterThan(0);
    h.warehouse.quantities.set(product!.productId, 12);
    const { product: read } = await h.products.getProduct({ productId: product!.productId });
    expect(read).toEqual({ ...product, availableQuantity: 12 });
  });

  it("refuses everyone but the shop's owner, and creates nothing for them", async () => {
    const before = await namesInShop(owner.shopId);
    const buyer = await h.tokens.user(newId(), "buyer");
    const service = await h.tokens.service("order");
    const cases: { who: string; token: string | undefined; shopId: string; kind: string; reason?: string }[] = [
      { who: "anonymous", token: undefined, shopId: owner.shopId, kind: "UNAUTHENTICATED" },
      { who: "a buyer", token: buyer, shopId: owner.shopId, kind: "PERMISSION_DENIED" },
      { who: "another seller", token: otherSeller.token, shopId: owner.shopId, kind: "PERMISSION_DENIED" },
      { who: "a service", token: service, shopId: owner.shopId, kind: "PERMISSION_DENIED" },
      { who: "the owner, unknown shop", token: owner.token, shopId: newId(), kind: "NOT_FOUND", reason: "SHOP_NOT_FOUND" },
      { who: "the owner, malformed shop id", token: owner.token, shopId: "shop-1", kind: "NOT_FOUND", reason: "SHOP_NOT_FOUND" },
    ];
    for (const c of cases) {
      const err = await rejection(h.products.createProduct(request(c.shopId, { name: `by ${c.who}` }), { bearerToken: c.token }));
      expect({ who: c.who, kind: err.kind, reason: c.reason ? err.reason : undefined }).toEqual({ who: c.who, kind: c.kind, reason: c.reason });
    }
    expect(await namesInShop(owner.shopId)).toEqual(before);
  });

  it("reports every invalid field at once, by its proto name", async () => {
    const err = await rejection(
      h.products.createProduct(request(owner.shopId, { name: "   ", description: "d".repeat(5001), priceCents: 0 }), { bearerToken: owner.token }),
    );
    expect(err.kind).toBe("INVALID_ARGUMENT");
    expect(err.fieldViolations.map((v) => v.field)).toEqual(["name", "description", "price_cents"]);
    const missingShop = await rejection(h.products.createProduct(request(""), { bearerToken: owner.token }));
    expect(missingShop.fieldViolations).toEqual([{ field: "shop_id", reason: "REQUIRED", description: "must not be empty" }]);
  });

  it("accepts the limits and refuses one past them", async () => {
    const atLimit = { name: "n".repeat(200), description: "d".repeat(5000), priceCents: 1_000_000_000_000 };
    const { product } = await h.products.createProduct(request(owner.shopId, atLimit), { bearerToken: owner.token });
    expect(product?.priceCents).toBe(1_000_000_000_000);
    const pastLimit: [Partial<{ name: string; description: string; priceCents: number }>, string][] = [
      [{ name: "n".repeat(201) }, "name"],
      [{ priceCents: 1_000_000_000_001 }, "price_cents"],
      [{ priceCents: -5 }, "price_cents"],
    ];
    for (const [fields, field] of pastLimit) {
      const err = await rejection(h.products.createProduct(request(owner.shopId, fields), { bearerToken: owner.token }));
      expect(err.kind).toBe("INVALID_ARGUMENT");
      expect(err.fieldViolations.map((v) => v.field)).toEqual([field]);
    }
  });

  it("checks ownership before fields: a stranger's invalid request is PERMISSION_DENIED", async () => {
    const err = await rejection(h.products.createProduct(request(owner.shopId, { name: "" }), { bearerToken: otherSeller.token }));
    expect(err.kind).toBe("PERMISSION_DENIED");
  });

  it("keeps names unique per shop regardless of case", async () => {
    await h.products.createProduct(request(owner.shopId, { name: "Coffee Mug" }), { bearerToken: owner.token });
    const err = await rejection(h.products.createProduct(request(owner.shopId, { name: " coffee MUG" }), { bearerToken: owner.token }));
    expect(err.kind).toBe("ALREADY_EXISTS");
    expect(err.reason).toBe("PRODUCT_NAME_TAKEN");
    const elsewhere = await h.products.createProduct(request(otherSeller.shopId, { name: "Coffee Mug" }), { bearerToken: otherSeller.token });
    expect(elsewhere.product?.shopId).toBe(otherSeller.shopId);
    expect((await namesInShop(owner.shopId)).filter((n) => n.toLowerCase() === "coffee mug")).toEqual(["Coffee Mug"]);
  });

  // Last: it stops the shop service.
  it("remembers shop owners, so a known shop needs no shop-service call", async () => {
    const unseen = await h.newSellerWithShop("never used for a product");
    await h.stopShopService();
    const { product } = await h.products.createProduct(request(owner.shopId, { name: "After the shop service left" }), { bearerToken: owner.token });
    expect(product?.shopId).toBe(owner.shopId);
    // The cache holds only what it was told: an owner never looked up cannot be answered.
    const err = await rejection(h.products.createProduct(request(unseen.shopId), { bearerToken: unseen.token }));
    expect(err.kind).toBe("UNAVAILABLE");
  });
});
