import { createHash } from "node:crypto";
import { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { errors } from "@wms/errors";
import type { Logger } from "@wms/logging";

export interface LoginLimits {
  /** Failed attempts one login (email or phone) may have per window. */
  perLogin: number;
  /** Failed attempts one client address may have per window, whatever the logins. */
  perAddress: number;
  /** The counting window, in ms; whole seconds (the Redis counters expire by the second). */
  windowMs: number;
}

export interface LoginThrottleOptions {
  limits: LoginLimits;
  /** Counters live on this Redis node (the first of REDIS_URLS); unset: in this process only. */
  redisUrl?: string;
  /** Key prefix, so meshes (and tests) sharing a Redis keep their counters apart. */
  prefix?: string;
  logger?: Logger;
}

/** One attempt let through to the password check; tell the throttle how it ended. */
export interface LoginAttempt {
  /** A correct password: the login's failures are forgotten and the attempt does not count against the address. */
  succeeded(): Promise<void>;
}

/**
 * Login throttling: failed attempts are counted per login (normalized: trimmed, lower-cased)
 * and per client address in fixed windows. An attempt is counted *before* the password is
 * checked (scrypt is the expensive part, and counting first means concurrent attempts cannot
 * slip past the limit), and a success gives its count back: the login's counter is cleared,
 * the address's decremented. So a login gets `perLogin` wrong passwords per window and then
 * RESOURCE_EXHAUSTED `TOO_MANY_LOGIN_ATTEMPTS` with RetryInfo until the window ends; the
 * owner's own correct password does not get through while it is blocked either (otherwise
 * the block would only slow a guesser who eventually guesses right).
 *
 * With Redis the counters are shared by every replica. When Redis cannot be reached the
 * throttle fails open to counters in this process (each replica then allows the limit on its
 * own): logins keep working, and guessing stays bounded.
 */
export class LoginThrottle {
  private readonly redis: Redis | undefined;
  private readonly shared: { login: RateLimiterAbstract; address: RateLimiterAbstract } | undefined;
  private readonly local: { login: RateLimiterAbstract; address: RateLimiterAbstract };
  private degraded = false;
  private firstConnect: Promise<void> | undefined;

  constructor(private readonly options: LoginThrottleOptions) {
    const { limits } = options;
    const prefix = options.prefix ?? "wms:login-throttle";
    const duration = Math.max(1, Math.round(limits.windowMs / 1000));
    const memory = (points: number, keyPrefix: string) => new RateLimiterMemory({ points, duration, keyPrefix });
    this.local = { login: memory(limits.perLogin, `${prefix}:login`), address: memory(limits.perAddress, `${prefix}:address`) };
    if (options.redisUrl) {
      // Fail at once while disconnected instead of queueing: a login must not wait on a dead Redis.
      this.redis = new Redis(options.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 0, connectTimeout: 1_000, retryStrategy: (times) => Math.min(times * 200, 2_000) });
      this.redis.on("error", () => undefined); // reconnects on its own; the fallback is logged below
      // The first attempts may come while the first connection is still being made: they wait
      // for it (until it is ready or fails, 1.5 s at most) rather than count in process.
      this.firstConnect = new Promise<void>((resolve) => {
        this.redis?.once("ready", () => resolve());
        this.redis?.once("error", () => resolve()); // refused: nothing to wait for
        setTimeout(resolve, 1_500).unref();
      });
      const store = (points: number, keyPrefix: string) => new RateLimiterRedis({ storeClient: this.redis, points, duration, keyPrefix, rejectIfRedisNotReady: true });
      this.shared = { login: store(limits.perLogin, `${prefix}:login`), address: store(limits.perAddress, `${prefix}:address`) };
    }
  }

  /**
   * Counts one attempt of `login` from `address` (when known); throws RESOURCE_EXHAUSTED with
   * the time left in the window when either counter is past its limit.
   */
  async begin(login: string, address: string | undefined): Promise<LoginAttempt> {
    const keys: Array<{ kind: "login" | "address"; key: string }> = [{ kind: "login", key: loginKey(login) }];
    if (address) keys.push({ kind: "address", key: address });
    const results = await Promise.all(keys.map(({ kind, key }) => this.run(kind, (l) => l.consume(key))));
    const refused = results.map((r, i) => ({ r, k: keys[i]! })).filter(({ r, k }) => r.consumedPoints > this.limitOf(k.kind));
    if (refused.length > 0) {
      // A refused attempt never reached the password check: it does not count against the other key.
      await Promise.all(keys.filter((k) => !refused.some((x) => x.k === k)).map(({ kind, key }) => this.run(kind, (l) => l.reward(key)).catch(() => undefined)));
      const retryDelayMs = Math.max(...refused.map(({ r }) => r.msBeforeNext), 1_000);
      throw errors.resourceExhausted("TOO_MANY_LOGIN_ATTEMPTS", "too many failed login attempts; try again later", retryDelayMs, {
        limitedBy: refused.map(({ k }) => k.kind).join(","),
        retryAfterSeconds: String(Math.ceil(retryDelayMs / 1000)),
      });
    }
    return {
      succeeded: async () => {
        await Promise.all(
          keys.map(({ kind, key }) => (kind === "login" ? this.run(kind, (l) => l.delete(key)) : this.run(kind, (l) => l.reward(key))).catch(() => undefined)),
        );
      },
    };
  }

  async close(): Promise<void> {
    await this.redis?.quit().catch(() => this.redis?.disconnect());
  }

  private limitOf(kind: "login" | "address"): number {
    return kind === "login" ? this.options.limits.perLogin : this.options.limits.perAddress;
  }

  /**
   * One counter operation, on Redis when configured and reachable, else in this process.
   * rate-limiter-flexible rejects with a RateLimiterRes when a limit is passed: that is an
   * answer, returned as such; any other rejection is the store failing.
   */
  private async run<T>(kind: "login" | "address", op: (limiter: RateLimiterAbstract) => Promise<T>): Promise<T | RateLimiterRes> {
    const attempt = async (limiter: RateLimiterAbstract) => {
      try {
        return await op(limiter);
      } catch (res) {
        if (res instanceof RateLimiterRes) return res;
        throw res;
      }
    };
    const shared = this.shared?.[kind];
    if (shared) {
      await this.firstConnect;
      try {
        const out = await attempt(shared);
        if (this.degraded) this.options.logger?.info("login throttle: Redis reachable again, counting there");
        this.degraded = false;
        return out;
      } catch {
        if (!this.degraded) this.options.logger?.warn("login throttle: Redis unreachable, counting in this process until it returns");
        this.degraded = true;
      }
    }
    return attempt(this.local[kind]);
  }
}

/** The counter key of a login: normalized, and hashed so the store never holds emails or phone numbers. */
export function loginKey(login: string): string {
  const normalized = login.normalize("NFKC").trim().toLowerCase();
  return createHash("sha256").update(normalized).digest("base64url").slice(0, 32);
}
