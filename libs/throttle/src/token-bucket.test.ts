import { describe, expect, it } from "vitest";
import { TokenBuckets } from "./token-bucket.js";

// The clock is the test's: refills are checked by moving it, never by waiting.
describe("TokenBuckets", () => {
  it("allows a burst, then refuses with the wait for one token, then refills at the rate", () => {
    let now = 1_000_000;
    const buckets = new TokenBuckets({ ratePerSecond: 2, burst: 3, now: () => now });
    expect([1, 2, 3].map(() => buckets.take("a").allowed)).toEqual([true, true, true]);
    expect(buckets.take("a")).toEqual({ allowed: false, retryAfterMs: 500 });
    now += 250;
    expect(buckets.take("a")).toEqual({ allowed: false, retryAfterMs: 250 });
    now += 250;
    expect(buckets.take("a").allowed).toBe(true);
    expect(buckets.take("a").allowed).toBe(false);
    // Never more than the burst, however long the quiet spell.
    now += 60_000;
    expect([1, 2, 3, 4].map(() => buckets.take("a").allowed)).toEqual([true, true, true, false]);
  });

  it("keeps one bucket per key", () => {
    const buckets = new TokenBuckets({ ratePerSecond: 1, burst: 1, now: () => 0 });
    expect(buckets.take("a").allowed).toBe(true);
    expect(buckets.take("a").allowed).toBe(false);
    expect(buckets.take("b").allowed).toBe(true);
  });

  it("remembers at most maxKeys buckets (a forgotten key starts full)", () => {
    const buckets = new TokenBuckets({ ratePerSecond: 1, burst: 1, maxKeys: 2, now: () => 0 });
    for (const key of ["a", "b", "c"]) expect(buckets.take(key).allowed).toBe(true);
    expect(buckets.take("a").allowed).toBe(true); // evicted, so full again
    expect(buckets.take("c").allowed).toBe(false);
  });
});
