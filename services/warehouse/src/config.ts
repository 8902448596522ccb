import { env } from "@wms/config";

/** The warehouse service's own variables, besides the common ones (libs/service). */
export const warehouseConfigSpec = {
  /** Redlock nodes; none means in-process locks (the one-process embedded mesh). */
  REDIS_URLS: env.urlList(["redis:", "rediss:"]),
  /** How long a SKU lock lives if its holder stalls; correctness never depends on it. */
  LOCK_TTL: env.duration("2s"),
  /** Pause between attempts on a contended SKU lock (plus as much jitter). */
  LOCK_RETRY_DELAY: env.duration("5ms"),
  RESERVATION_SWEEP_INTERVAL: env.duration("1s"),
  /** Expired reservations released per sweeper transaction. */
  RESERVATION_SWEEP_BATCH: env.integer(100, 1, 10_000),
  /** Shop owners and product shops remembered (they never change). */
  OWNERSHIP_CACHE_SIZE: env.integer(10_000, 1, 1_000_000),
};
