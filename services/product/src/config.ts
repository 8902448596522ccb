import { env } from "@wms/config";

export const productConfigSpec = {
  /** Shops never change owner, so owners are cached; this bounds the cache's entries. */
  SHOP_OWNER_CACHE_SIZE: env.integer(10_000, 1, 1_000_000),
};
