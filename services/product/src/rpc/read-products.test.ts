import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "@wms/db";
import { encodePageToken } from "@wms/grpc";
import type { Product } from "@wms/proto/product";
import { rejection } from "@wms/testing";
import { startProductHarness, type ProductHarness } from "../testing/harness.js";

let h: ProductHarness;
let shopId: string;
let otherShopId: string;
/** The shop's products in creation order. */
const created: Product[] = [];

beforeAll(async () => {
  h = await startProductHarness("product_read");
  const seller = await h.newSellerWithShop();
  shopId = seller.shopId;
  for (let i = 0; i < 50; i++) {
    const { product } = await h.products.createProduct(
      { shopId, name: `item ${String(i).padStart(2, "0")}`, description: "", priceCents: 100 + i },
      { bearerToken: seller.token },
    );
    created.push(product!);
    h.warehouse.quantities.set(product!.productId, i);
  }
  const other = await h.newSellerWithShop();
  otherShopId = other.shopId;
  await h.products.createProduct({ shopId: otherShopId, name: "elsewhere", description: "", priceCents: 1 }, { bearerToken: other.token });
});
afterAll(async () => {
  await h?.stop();
});

function resetWarehouse(): void {
  h.warehouse.calls.length = 0;
  h.warehouse.failWith = undefined;
}

describe("GetProduct", () => {
  it("lets anyone read a product with its availability", async () => {
    resetWarehouse();
    const { product } = await h.products.getProduct({ productId: created[7]!.productId });
    expect(product).toEqual({ ...created[7], availableQuantity: 7 });
    expect(h.warehouse.calls.map((c) => c.productIds)).toEqual([[created[7]!.productId]]);
  });

  it("answers NOT_FOUND for unknown and malformed ids without asking the warehouse", async () => {
    resetWarehouse();
    expect((await rejection(h.products.getProduct({ productId: newId() }))).reason).toBe("PRODUCT_NOT_FOUND");
    expect((await rejection(h.products.getProduct({ productId: "not-an-id" }))).kind).toBe("NOT_FOUND");
    expect(h.warehouse.calls).toEqual([]);
  });

  it("passes its caller's deadline and the service credential on to the warehouse", async () => {
    resetWarehouse();
    const deadline = new Date(Date.now() + 3000);
    await h.products.getProduct({ productId: created[0]!.productId }, { deadline });
    const [call] = h.warehouse.calls;
    expect(call?.principal).toEqual({ kind: "service", service: "product" });
    // Without propagation the product service's own default (10 s) would be sent.
    expect(call?.deadline?.getTime()).toBeLessThanOrEqual(deadline.getTime() + 1000);
  });
});

describe("ListProducts", () => {
  it("lists a full page of 50 with exactly one availability call", async () => {
    resetWarehouse();
    const page = await h.products.listProducts({ shopId, pageSize: 50, pageToken: "" });
    expect(page.products.map((p) => p.availableQuantity)).toEqual(created.map((_, i) => i));
    expect(page.nextPageToken).toBe("");
    expect(h.warehouse.calls).toHaveLength(1);
    expect(h.warehouse.calls[0]?.productIds).toEqual(created.map((p) => p.productId));
  });

  it("pages through one shop in creation order, one availability call per page", async () => {
    resetWarehouse();
    const seen: Product[] = [];
    let pageToken = "";
    let pages = 0;
    do {
      const page = await h.products.listProducts({ shopId, pageSize: 20, pageToken });
      seen.push(...page.products);
      pageToken = page.nextPageToken;
      pages++;
    } while (pageToken);
    expect(pages).toBe(3);
    expect(seen.map((p) => p.productId)).toEqual(created.map((p) => p.productId));
    expect(h.warehouse.calls.map((c) => c.productIds.length)).toEqual([20, 20, 10]);
  });

  it("lists every shop without a filter, and nothing of an unknown shop", async () => {
    const all = await h.products.listProducts({ shopId: "", pageSize: 500, pageToken: "" });
    expect(all.products).toHaveLength(51);
    expect(new Set(all.products.map((p) => p.shopId))).toEqual(new Set([shopId, otherShopId]));
    resetWarehouse();
    expect((await h.products.listProducts({ shopId: newId(), pageSize: 0, pageToken: "" })).products).toEqual([]);
    expect(h.warehouse.calls).toEqual([]);
  });

  it("refuses bad filters, page sizes and tokens with field violations", async () => {
    const cases: [Parameters<ProductHarness["products"]["listProducts"]>[0], string][] = [
      [{ shopId: "shop-1", pageSize: 0, pageToken: "" }, "shop_id"],
      [{ shopId: "", pageSize: -1, pageToken: "" }, "page_size"],
      [{ shopId: "", pageSize: 0, pageToken: "garbage" }, "page_token"],
      // Well-formed token, but not holding an id: refused before it reaches SQL.
      [{ shopId: "", pageSize: 0, pageToken: encodePageToken("'; drop table x") }, "page_token"],
    ];
    for (const [req, field] of cases) {
      const err = await rejection(h.products.listProducts(req));
      expect({ kind: err.kind, fields: err.fieldViolations.map((v) => v.field) }).toEqual({ kind: "INVALID_ARGUMENT", fields: [field] });
    }
  });
});

describe("BatchGetProducts", () => {
  it("refuses end-user tokens: it is internal", async () => {
    const req = { productIds: [created[0]!.productId], includeAvailability: false };
    expect((await rejection(h.products.batchGetProducts(req))).kind).toBe("UNAUTHENTICATED");
    for (const role of ["buyer", "seller"] as const) {
      const bearerToken = await h.tokens.user(newId(), role);
      expect((await rejection(h.products.batchGetProducts(req, { bearerToken }))).kind).toBe("PERMISSION_DENIED");
    }
  });

  it("returns known products once each in request order, leaving unknown ids out", async () => {
    resetWarehouse();
    const bearerToken = await h.tokens.service("order");
    const ids = [created[3]!.productId, newId(), "junk", created[1]!.productId, created[3]!.productId];
    const plain = await h.products.batchGetProducts({ productIds: ids, includeAvailability: false }, { bearerToken });
    expect(plain.products).toEqual([
      { ...created[3], availableQuantity: 0 },
      { ...created[1], availableQuantity: 0 },
    ]);
    expect(h.warehouse.calls).toEqual([]);
    const withStock = await h.products.batchGetProducts({ productIds: ids, includeAvailability: true }, { bearerToken });
    expect(withStock.products.map((p) => p.availableQuantity)).toEqual([3, 1]);
    expect(h.warehouse.calls.map((c) => c.productIds)).toEqual([[created[3]!.productId, created[1]!.productId]]);
  });

  it("takes at most 500 ids", async () => {
    const bearerToken = await h.tokens.service("order");
    const ok = await h.products.batchGetProducts({ productIds: Array.from({ length: 500 }, () => newId()), includeAvailability: true }, { bearerToken });
    expect(ok.products).toEqual([]);
    const err = await rejection(h.products.batchGetProducts({ productIds: Array.from({ length: 501 }, () => newId()), includeAvailability: false }, { bearerToken }));
    expect(err.fieldViolations.map((v) => v.field)).toEqual(["product_ids"]);
  });
});
