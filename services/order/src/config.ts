import { env } from "@wms/config";

/** The order service's own variables (the common ones come from libs/service). */
export const orderConfigSpec = {
  /** How long a checkout holds its stock before the order lapses unpaid. */
  RESERVATION_TTL: env.duration("15m"),
  /** How often the expiry sweeper looks for lapsed and abandoned orders. */
  SWEEP_INTERVAL: env.duration("1s"),
  /** Orders one sweeper transaction handles at most. */
  SWEEP_BATCH: env.integer(100, 1, 10_000),
  /**
   * A checkout still PENDING this long after it began was cut off half-way (a crash, a lost
   * reply): the sweeper releases its reservation and fails it. Must be longer than any checkout
   * call may take (its deadline), or a slow checkout gets failed under its own feet (safely:
   * the tombstone makes it end as a failure, never a double reservation).
   */
  STALE_PENDING_AFTER: env.duration("30s"),
};
