import { env } from "@wms/config";

export const userConfigSpec = {
  /** How long a login's access token is valid. */
  ACCESS_TOKEN_TTL: env.duration("1h"),
  /** Login throttling counters live on the first node; unset: in this process. */
  REDIS_URLS: env.urlList(["redis:", "rediss:"]),
  /** Failed logins one email or phone may have per LOGIN_FAILURE_WINDOW before RESOURCE_EXHAUSTED. */
  LOGIN_MAX_FAILURES_PER_LOGIN: env.integer(10, 1, 1_000_000),
  /** Failed logins one client address may have per LOGIN_FAILURE_WINDOW, whatever the logins. */
  LOGIN_MAX_FAILURES_PER_ADDRESS: env.integer(100, 1, 1_000_000),
  /** The window login failures are counted in (whole seconds). */
  LOGIN_FAILURE_WINDOW: env.duration("15m"),
  /** Prefix of the throttle's Redis keys, so meshes sharing a Redis count apart. */
  LOGIN_THROTTLE_KEY_PREFIX: env.string("wms:login-throttle", "a Redis key prefix"),
};
