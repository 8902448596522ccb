import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PromiseClient } from "@wms/grpc";
import { DomainError, type ErrorKind } from "@wms/errors";
import { ProductServiceService, type Product } from "@wms/proto/product";
import { rejection } from "@wms/testing";
import { productService } from "../module.js";
import { startProductHarness, type ProductHarness } from "../testing/harness.js";

// A read whose availability cannot be had fails: showing 0 would claim "sold out" unknowingly.
let h: ProductHarness;
let product: Product;
let orphanProducts: PromiseClient<typeof ProductServiceService>;

beforeAll(async () => {
  h = await startProductHarness("product_failures");
  const seller = await h.newSellerWithShop();
  product = (await h.products.createProduct({ shopId: seller.shopId, name: "p", description: "", priceCents: 5 }, { bearerToken: seller.token })).product!;
  // A second instance on the same database whose warehouse service is unreachable.
  const orphan = await h.services.start(productService, { WAREHOUSE_SERVICE_ADDR: "127.0.0.1:1" });
  orphanProducts = h.services.client(ProductServiceService, orphan.address);
});
afterAll(async () => {
  await h?.stop();
});

async function everyReadFails(client: PromiseClient<typeof ProductServiceService>): Promise<DomainError[]> {
  const service = await h.tokens.service("order");
  return Promise.all([
    rejection(client.getProduct({ productId: product.productId })),
    rejection(client.listProducts({ shopId: product.shopId, pageSize: 0, pageToken: "" })),
    rejection(client.batchGetProducts({ productIds: [product.productId], includeAvailability: true }, { bearerToken: service })),
  ]);
}

describe("when the warehouse service fails", () => {
  it("fails reads with UNAVAILABLE when the warehouse cannot be reached", async () => {
    const errs = await everyReadFails(orphanProducts);
    expect(errs.map((e) => e.kind)).toEqual(["UNAVAILABLE", "UNAVAILABLE", "UNAVAILABLE"]);
  });

  it("passes UNAVAILABLE and DEADLINE_EXCEEDED through as they are", async () => {
    for (const kind of ["UNAVAILABLE", "DEADLINE_EXCEEDED"] as ErrorKind[]) {
      h.warehouse.failWith = new DomainError(kind, "STOCK_DB_DOWN", "stock database is down");
      const errs = await everyReadFails(h.products);
      expect(errs.map((e) => [e.kind, e.reason])).toEqual(Array.from({ length: 3 }, () => [kind, "STOCK_DB_DOWN"]));
    }
  });

  it("turns answers meant for the product service (UNIMPLEMENTED, INTERNAL, ...) into UNAVAILABLE", async () => {
    for (const kind of ["UNIMPLEMENTED", "INTERNAL", "INVALID_ARGUMENT", "PERMISSION_DENIED"] as ErrorKind[]) {
      h.warehouse.failWith = new DomainError(kind, kind, "no");
      const errs = await everyReadFails(h.products);
      for (const err of errs) {
        expect({ kind: err.kind, reason: err.reason, upstream: err.metadata.upstreamCode }).toEqual({
          kind: "UNAVAILABLE",
          reason: "AVAILABILITY_UNAVAILABLE",
          upstream: kind,
        });
      }
    }
  });

  it("still serves what needs no availability", async () => {
    h.warehouse.failWith = new DomainError("UNAVAILABLE", "UNAVAILABLE", "down");
    const service = await h.tokens.service("order");
    const { products } = await h.products.batchGetProducts({ productIds: [product.productId], includeAvailability: false }, { bearerToken: service });
    expect(products.map((p) => p.productId)).toEqual([product.productId]);
    h.warehouse.failWith = undefined;
    expect((await h.products.getProduct({ productId: product.productId })).product?.productId).toBe(product.productId);
  });
});
