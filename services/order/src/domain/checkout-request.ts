import { isId } from "@wms/db";
import { errors, Validator, type FieldViolation } from "@wms/errors";
import type { ProductCatalog } from "./catalog.js";
import type { PeerCallOptions } from "./order.js";

export const MAX_LINES = 500;
/**
 * Units of one product in one order: as many as one warehouse can hold, so a line is never
 * refused for its size while the stock could serve it. More than is available is the
 * warehouse's INSUFFICIENT_STOCK, not a malformed request.
 */
export const MAX_QUANTITY = 1_000_000_000;
export const MAX_IDEMPOTENCY_KEY = 200;

export interface CheckoutLineInput {
  productId: string;
  quantity: number;
}

/** One product's line after duplicates were merged; `index` is its first line in the request. */
export interface CheckoutLine {
  productId: string;
  quantity: number;
  index: number;
}

export interface PricedLine extends CheckoutLine {
  unitPriceCents: number;
}

/**
 * Checks every field (all violations in one answer, proto field names) and merges duplicate
 * product lines in the order they first appear.
 */
export function validateCheckout(items: CheckoutLineInput[], idempotencyKey: string): CheckoutLine[] {
  const v = new Validator()
    .check(items.length > 0, "items", "REQUIRED", "must contain at least one item")
    .check(items.length <= MAX_LINES, "items", "TOO_MANY", `must contain at most ${MAX_LINES} items`)
    .text(idempotencyKey, MAX_IDEMPOTENCY_KEY, "idempotency_key");
  const merged = new Map<string, CheckoutLine>();
  items.slice(0, MAX_LINES).forEach((item, index) => {
    const productOk = isId(item.productId);
    v.check(productOk, `items[${index}].product_id`, "INVALID_FORMAT", "must be a product id");
    v.positiveInt(item.quantity, `items[${index}].quantity`, MAX_QUANTITY);
    if (!productOk) return;
    const key = item.productId.toLowerCase();
    const line = merged.get(key);
    if (line) line.quantity += item.quantity;
    else merged.set(key, { productId: key, quantity: item.quantity, index });
  });
  if (v.ok) {
    for (const line of merged.values()) {
      v.check(line.quantity <= MAX_QUANTITY, `items[${line.index}].quantity`, "OUT_OF_RANGE", `must total at most ${MAX_QUANTITY} for one product`);
    }
  }
  v.throwIfInvalid();
  return [...merged.values()];
}

/**
 * Whether a stored order is the one these merged lines would make: the same products in the
 * same quantities (line order aside). A key reused for another cart must not return it.
 */
export function sameCart(items: Array<{ productId: string; quantity: number }>, lines: CheckoutLine[]): boolean {
  if (items.length !== lines.length) return false;
  const wanted = new Map(lines.map((l) => [l.productId, l.quantity]));
  return items.every((item) => wanted.get(item.productId.toLowerCase()) === item.quantity);
}

/** Today's prices, in one call; an unknown product is a field violation on its first line. */
export async function priceLines(catalog: ProductCatalog, lines: CheckoutLine[], options: PeerCallOptions): Promise<PricedLine[]> {
  const prices = await catalog.prices(lines.map((l) => l.productId), options);
  const unknown: FieldViolation[] = [];
  const priced: PricedLine[] = [];
  for (const line of lines) {
    const price = prices.get(line.productId);
    if (price === undefined) unknown.push({ field: `items[${line.index}].product_id`, reason: "NOT_FOUND", description: "no such product" });
    else priced.push({ ...line, unitPriceCents: price });
  }
  if (unknown.length > 0) throw errors.invalidArgument(unknown, "unknown products");
  return priced;
}

/** Σ quantity × price in integer cents, refused if it would not fit an int64-safe number. */
export function totalCents(lines: PricedLine[]): number {
  const total = lines.reduce((sum, l) => sum + BigInt(l.quantity) * BigInt(l.unitPriceCents), 0n);
  if (total > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw errors.invalidArgument([{ field: "items", reason: "OUT_OF_RANGE", description: "the order total is too large" }]);
  }
  return Number(total);
}
