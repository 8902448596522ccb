import type { BatchGetProductsRequest, BatchGetProductsResponse } from "@wms/proto/product";
import type { PeerCallOptions } from "../domain/order.js";
import type { ProductCatalog } from "../domain/catalog.js";

/** The product service's BatchGetProducts, as the promise client exposes it. */
export interface ProductClient {
  batchGetProducts(request: BatchGetProductsRequest, options?: PeerCallOptions): Promise<BatchGetProductsResponse>;
}

/** Prices from the product service in one call; unknown ids are left out of its answer. */
export function productCatalog(client: ProductClient): ProductCatalog {
  return {
    async prices(productIds, options) {
      const { products } = await client.batchGetProducts({ productIds, includeAvailability: false }, options);
      return new Map(products.map((p) => [p.productId.toLowerCase(), p.priceCents]));
    },
  };
}
