import { errors, Validator } from "@wms/errors";
import { isId, newId, readPage } from "@wms/db";
import type { ProductChanges, ProductRepo } from "../db/repo.js";

export const PRODUCT_NAME_MAX = 200;
export const PRODUCT_DESCRIPTION_MAX = 5000;
export const PRICE_CENTS_MAX = 1_000_000_000_000;
export const BATCH_GET_MAX = 500;

export interface Product {
  productId: string;
  shopId: string;
  name: string;
  /** Minor units. */
  priceCents: number;
  description: string;
  createTime: Date;
}

/** Where available quantities come from (the warehouse service): one call for many products. */
export interface AvailabilitySource {
  /** Available units per product id; an id left out has none. Fails rather than guessing. */
  availableQuantities(productIds: string[], opts: { deadline?: Date }): Promise<Map<string, number>>;
}

/** Who owns a shop (the shop service): NOT_FOUND when there is no such shop. */
export interface ShopOwnership {
  ownerOf(shopId: string, opts: { deadline?: Date }): Promise<string>;
}

export interface ProductUpdateInput {
  productId: string;
  /** Empty: keep. */
  name: string;
  /** Empty: keep. */
  description: string;
  /** 0: keep. */
  priceCents: number;
  deadline?: Date;
}

/** A product as callers see it: the product and, when asked for, what can be bought of it. */
export interface ProductView {
  product: Product;
  availableQuantity: number;
}

export interface ProductsDomain {
  createProduct(input: { shopId: string; name: string; description: string; priceCents: number }): Promise<Product>;
  /**
   * Renames, redescribes or reprices a product of a shop the caller owns; empty fields (0 for
   * the price) are kept. Orders already placed keep their prices: the order service copies the
   * price into each order at checkout, so only later checkouts see a new one.
   */
  updateProduct(callerId: string, input: ProductUpdateInput): Promise<ProductView>;
  getProduct(productId: string, opts: { deadline?: Date }): Promise<ProductView>;
  listProducts(filter: { shopId?: string; afterId?: string; limit: number; deadline?: Date }): Promise<{ products: ProductView[]; hasMore: boolean }>;
  /** Known products of `productIds` in request order, each once; unknown and malformed ids are left out. */
  batchGetProducts(productIds: string[], opts: { includeAvailability: boolean; deadline?: Date }): Promise<ProductView[]>;
}

export function createProductsDomain(deps: {
  repo: ProductRepo;
  availability: AvailabilitySource;
  owners: ShopOwnership;
  now?: () => Date;
}): ProductsDomain {
  const now = deps.now ?? (() => new Date());

  // Every read of several products makes exactly one availability call, never one per product.
  async function withAvailability(rows: Product[], deadline: Date | undefined): Promise<ProductView[]> {
    if (rows.length === 0) return [];
    const quantities = await deps.availability.availableQuantities(
      rows.map((r) => r.productId),
      { deadline },
    );
    return rows.map((product) => ({ product, availableQuantity: quantities.get(product.productId) ?? 0 }));
  }

  return {
    async createProduct({ shopId, name, description, priceCents }) {
      const trimmedName = name.trim();
      const trimmedDescription = description.trim();
      new Validator()
        .required(trimmedName, "name")
        .text(trimmedName, PRODUCT_NAME_MAX, "name")
        .text(trimmedDescription, PRODUCT_DESCRIPTION_MAX, "description")
        .positiveInt(priceCents, "price_cents", PRICE_CENTS_MAX)
        .throwIfInvalid();
      const inserted = await deps.repo.insert({
        productId: newId(),
        shopId,
        name: trimmedName,
        description: trimmedDescription,
        priceCents,
        createTime: now(),
      });
      if (inserted.kind === "name-taken") {
        throw errors.alreadyExists("PRODUCT_NAME_TAKEN", `the shop already has a product named "${trimmedName}"`, { shopId, name: trimmedName });
      }
      return inserted.product;
    },

    async updateProduct(callerId, { productId, name, description, priceCents, deadline }) {
      const current = isId(productId) ? await deps.repo.findById(productId) : undefined;
      if (!current) throw errors.notFound("product", productId);
      // Ownership before field checks: a stranger learns nothing about what a valid request is.
      if ((await deps.owners.ownerOf(current.shopId, { deadline })) !== callerId) {
        throw errors.permissionDenied("NOT_PRODUCT_OWNER", "only the shop's owner may change its products", { productId });
      }
      const trimmedName = name.trim();
      const trimmedDescription = description.trim();
      new Validator()
        .text(trimmedName, PRODUCT_NAME_MAX, "name")
        .text(trimmedDescription, PRODUCT_DESCRIPTION_MAX, "description")
        .check(priceCents === 0 || (Number.isSafeInteger(priceCents) && priceCents > 0 && priceCents <= PRICE_CENTS_MAX), "price_cents", "OUT_OF_RANGE", `must be 0 (keep) or a positive integer up to ${PRICE_CENTS_MAX}`)
        .throwIfInvalid();
      const changes: ProductChanges = {};
      if (trimmedName !== "") changes.name = trimmedName;
      if (trimmedDescription !== "") changes.description = trimmedDescription;
      if (priceCents !== 0) changes.priceCents = priceCents;
      let product = current;
      if (Object.keys(changes).length > 0) {
        const outcome = await deps.repo.update(current.productId, changes);
        if (outcome.kind === "name-taken") throw errors.alreadyExists("PRODUCT_NAME_TAKEN", `the shop already has a product named "${trimmedName}"`);
        if (outcome.kind === "not-found") throw errors.notFound("product", productId);
        product = outcome.product;
      }
      const [view] = await withAvailability([product], deadline);
      if (!view) throw new Error("availability lost a row");
      return view;
    },

    async getProduct(productId, { deadline }) {
      const product = isId(productId) ? await deps.repo.findById(productId) : undefined;
      if (!product) throw errors.notFound("product", productId);
      const [view] = await withAvailability([product], deadline);
      if (!view) throw new Error("availability lost a row");
      return view;
    },

    async listProducts({ shopId, afterId, limit, deadline }) {
      // One extra row tells whether another page exists.
      const page = await readPage(limit, (n) => deps.repo.list({ shopId, afterId, limit: n }));
      return { products: await withAvailability(page.rows, deadline), hasMore: page.hasMore };
    },

    async batchGetProducts(productIds, { includeAvailability, deadline }) {
      if (productIds.length > BATCH_GET_MAX) {
        throw errors.invalidArgument([{ field: "product_ids", reason: "TOO_MANY", description: `must list at most ${BATCH_GET_MAX} ids` }]);
      }
      const wanted = [...new Set(productIds.filter(isId).map((id) => id.toLowerCase()))];
      const found = new Map((await deps.repo.findByIds(wanted)).map((product) => [product.productId, product]));
      const rows = wanted.flatMap((id) => {
        const product = found.get(id);
        return product ? [product] : [];
      });
      if (!includeAvailability) return rows.map((product) => ({ product, availableQuantity: 0 }));
      return withAvailability(rows, deadline);
    },
  };
}
