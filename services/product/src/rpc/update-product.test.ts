import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "@wms/db";
import { rejection } from "@wms/testing";
import { startProductHarness, type ProductHarness } from "../testing/harness.js";

let h: ProductHarness;
let owner: { sellerId: string; token: string; shopId: string };
let otherSeller: { sellerId: string; token: string; shopId: string };

beforeAll(async () => {
  h = await startProductHarness("product_update");
  owner = await h.newSellerWithShop("Owner's shop");
  otherSeller = await h.newSellerWithShop("Someone else's shop");
});
afterAll(async () => {
  await h?.stop();
});

async function newProduct(name = `product ${newId()}`) {
  const { product } = await h.products.createProduct({ shopId: owner.shopId, name, description: "first", priceCents: 1000 }, { bearerToken: owner.token });
  return product!;
}

const keep = { name: "", description: "", priceCents: 0 };

describe("UpdateProduct", () => {
  it("changes only the fields given, trimmed, and answers with what is available", async () => {
    const product = await newProduct();
    h.warehouse.quantities.set(product.productId, 7);
    const opts = { bearerToken: owner.token };
    const priced = await h.products.updateProduct({ ...keep, productId: product.productId, priceCents: 1250 }, opts);
    expect(priced.product).toEqual({ ...product, priceCents: 1250, availableQuantity: 7 });
    const renamed = await h.products.updateProduct({ ...keep, productId: product.productId, name: "  Desk Lamp XL ", description: " brighter " }, opts);
    expect(renamed.product).toMatchObject({ name: "Desk Lamp XL", description: "brighter", priceCents: 1250 });
    const unchanged = await h.products.updateProduct({ ...keep, productId: product.productId }, opts);
    expect(unchanged.product).toEqual(renamed.product);
    const { product: read } = await h.products.getProduct({ productId: product.productId });
    expect(read).toEqual(renamed.product);
  });

  it("refuses everyone but the shop's owner, and changes nothing for them", async () => {
    const product = await newProduct();
    const buyer = await h.tokens.user(newId(), "buyer");
    const service = await h.tokens.service("order");
    const cases: Array<[string, string | undefined, string]> = [
      ["anonymous", undefined, "UNAUTHENTICATED"],
      ["a buyer", buyer, "PERMISSION_DENIED"],
      ["another seller", otherSeller.token, "PERMISSION_DENIED"],
      ["a service", service, "PERMISSION_DENIED"],
    ];
    for (const [who, token, kind] of cases) {
      const err = await rejection(h.products.updateProduct({ ...keep, productId: product.productId, priceCents: 1 }, { bearerToken: token }));
      expect({ who, kind: err.kind }).toEqual({ who, kind });
    }
    // Ownership is checked before the fields: a stranger's bad request is still just refused.
    expect((await rejection(h.products.updateProduct({ ...keep, productId: product.productId, priceCents: -1 }, { bearerToken: otherSeller.token }))).kind).toBe(
      "PERMISSION_DENIED",
    );
    expect((await h.products.getProduct({ productId: product.productId })).product?.priceCents).toBe(1000);
  });

  it("refuses bad fields, unknown products and a name the shop already uses", async () => {
    const product = await newProduct();
    const taken = await newProduct("Taken Name");
    const opts = { bearerToken: owner.token };
    const bad = await rejection(h.products.updateProduct({ productId: product.productId, name: "n".repeat(201), description: "", priceCents: -5 }, opts));
    expect(bad.fieldViolations.map((v) => v.field)).toEqual(["name", "price_cents"]);
    // Control characters are refused by the server bootstrap's request guard, before any handler.
    const nul = await rejection(h.products.updateProduct({ productId: product.productId, name: "", description: "bad\u0000byte", priceCents: 0 }, opts));
    expect(nul.fieldViolations.map((v) => v.field)).toEqual(["description"]);
    const tooDear = await rejection(h.products.updateProduct({ ...keep, productId: product.productId, priceCents: 1_000_000_000_001 }, opts));
    expect(tooDear.fieldViolations.map((v) => v.field)).toEqual(["price_cents"]);
    expect((await rejection(h.products.updateProduct({ ...keep, productId: newId(), priceCents: 5 }, opts))).reason).toBe("PRODUCT_NOT_FOUND");
    const clash = await rejection(h.products.updateProduct({ ...keep, productId: product.productId, name: taken.name.toUpperCase() }, opts));
    expect(clash).toMatchObject({ kind: "ALREADY_EXISTS", reason: "PRODUCT_NAME_TAKEN" });
    expect((await h.products.getProduct({ productId: product.productId })).product).toMatchObject({ name: product.name, priceCents: 1000 });
  });
});
