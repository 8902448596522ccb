/**
 * Who owns what, as the shop and product services know it. An interface so the domain can be
 * tested with an in-memory catalog before (or without) the other services running.
 */
export interface Catalog {
  /** The owner's user id; undefined when there is no such shop. */
  shopOwner(shopId: string): Promise<string | undefined>;
  /** The product's shop id; undefined when there is no such product. */
  productShop(productId: string): Promise<string | undefined>;
}
