/**
 * How long a lookup may take: the deadline of the call being served, so a peer call never
 * outlives it (without one the client falls back to its own default).
 */
export interface LookupOptions {
  deadline?: Date;
}

/**
 * Who owns what, as the shop and product services know it. An interface so the domain can be
 * tested with an in-memory catalog before (or without) the other services running.
 */
export interface Catalog {
  /** The owner's user id; undefined when there is no such shop. */
  shopOwner(shopId: string, options?: LookupOptions): Promise<string | undefined>;
  /** The product's shop id; undefined when there is no such product. */
  productShop(productId: string, options?: LookupOptions): Promise<string | undefined>;
}
