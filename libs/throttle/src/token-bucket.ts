import { LRUCache } from "lru-cache";

export interface TokenBucketOptions {
  /** Tokens added per second: the sustained request rate one key may keep up. */
  ratePerSecond: number;
  /** The bucket's size: how many requests one key may make at once after a quiet spell. */
  burst: number;
  /** Keys remembered at most (the least recently seen are forgotten, i.e. start full again). */
  maxKeys?: number;
  /** The clock, in ms (tests pass their own). */
  now?: () => number;
}

/** What take() decided: allowed, or refused with the wait until one token is back. */
export type TakeResult = { allowed: true } | { allowed: false; retryAfterMs: number };

/**
 * A token bucket per key (the gateway's per-client-address request limit), in this process.
 * Each key starts full (`burst` tokens), refills at `ratePerSecond`, and a request takes one.
 * Buckets are kept in an LRU of bounded size, so a flood of distinct addresses costs memory
 * that is bounded too (a forgotten key starts full again, which errs on letting requests in).
 */
export class TokenBuckets {
  private readonly buckets: LRUCache<string, { tokens: number; at: number }>;
  private readonly now: () => number;

  constructor(private readonly options: TokenBucketOptions) {
    this.buckets = new LRUCache({ max: options.maxKeys ?? 100_000 });
    this.now = options.now ?? Date.now;
  }

  take(key: string): TakeResult {
    const now = this.now();
    const { ratePerSecond, burst } = this.options;
    const bucket = this.buckets.get(key) ?? { tokens: burst, at: now };
    const tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * ratePerSecond);
    if (tokens >= 1) {
      this.buckets.set(key, { tokens: tokens - 1, at: now });
      return { allowed: true };
    }
    this.buckets.set(key, { tokens, at: now });
    return { allowed: false, retryAfterMs: Math.ceil(((1 - tokens) / ratePerSecond) * 1000) };
  }
}
