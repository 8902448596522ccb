import { errors } from "@wms/errors";
import { isId } from "@wms/db";

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

/** 0 means the default; negative is INVALID_ARGUMENT; above the maximum is clamped (AIP-158). */
export function pageSize(requested: number, field = "page_size"): number {
  if (requested < 0) throw errors.invalidArgument([{ field, reason: "OUT_OF_RANGE", description: "must not be negative" }]);
  if (requested === 0) return DEFAULT_PAGE_SIZE;
  return Math.min(requested, MAX_PAGE_SIZE);
}

/** Page tokens are opaque: the last id of the previous page, base64url-encoded. */
export function encodePageToken(lastKey: string): string {
  return Buffer.from(JSON.stringify({ k: lastKey }), "utf8").toString("base64url");
}

export function decodePageToken(token: string, field = "page_token"): string | undefined {
  if (token === "") return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
    // Every list pages by id: a token holding anything else never reaches a query.
    if (parsed && typeof parsed === "object" && "k" in parsed && typeof parsed.k === "string" && isId(parsed.k)) return parsed.k;
  } catch {
    // fall through to the error below
  }
  throw errors.invalidArgument([{ field, reason: "INVALID_FORMAT", description: "is not a page token this service issued" }]);
}

/** The token of the page after `rows`, or "" on the last page. */
export function nextPageToken<T>(rows: T[], hasMore: boolean, keyOf: (row: T) => string): string {
  const last = rows[rows.length - 1];
  return hasMore && last !== undefined ? encodePageToken(keyOf(last)) : "";
}
