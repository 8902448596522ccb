import type { PeerCallOptions } from "./order.js";

/** Prices come from the product service, read once per checkout. */
export interface ProductCatalog {
  /** Today's price in cents of each known product, by lower-case id; unknown ids are left out. */
  prices(productIds: string[], options?: PeerCallOptions): Promise<Map<string, number>>;
}
