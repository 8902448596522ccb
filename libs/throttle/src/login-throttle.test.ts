import { randomBytes } from "node:crypto";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { Redis } from "ioredis";
import { DomainError } from "@wms/errors";
import { freePort, TEST_REDIS_URL } from "@wms/testing";
import { LoginThrottle, loginKey, type LoginLimits } from "./login-throttle.js";

// The same behaviour on Redis (shared by replicas) and in-process. Every throttle counts under a
// key prefix of its own, so tests never see each other's counters.

const opened: LoginThrottle[] = [];
afterAll(async () => {
  await Promise.all(opened.map((t) => t.close()));
});

const uniquePrefix = () => `wms-test:throttle:${randomBytes(6).toString("hex")}`;

function throttle(mode: "redis" | "in-process", limits: Partial<LoginLimits> = {}, redisUrl = TEST_REDIS_URL): LoginThrottle {
  const t = new LoginThrottle({
    limits: { perLogin: 3, perAddress: 5, windowMs: 60_000, ...limits },
    redisUrl: mode === "redis" ? redisUrl : undefined,
    prefix: uniquePrefix(),
  });
  opened.push(t);
  return t;
}

/** One attempt that fails its password check (the attempt stays counted). */
async function fail(t: LoginThrottle, login: string, address?: string): Promise<"counted" | DomainError> {
  try {
    await t.begin(login, address);
    return "counted";
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
}

describe.each(["redis", "in-process"] as const)("login throttle (%s)", (mode) => {
  it("lets a login fail perLogin times, then refuses it with TOO_MANY_LOGIN_ATTEMPTS and a retry delay within the window", async () => {
    const t = throttle(mode);
    for (let i = 0; i < 3; i++) expect(await fail(t, "victim@example.com", "203.0.113.1")).toBe("counted");
    const refused = await fail(t, "victim@example.com", "203.0.113.2");
    expect(refused).toBeInstanceOf(DomainError);
    const err = refused as DomainError;
    expect([err.kind, err.reason, err.metadata.limitedBy]).toEqual(["RESOURCE_EXHAUSTED", "TOO_MANY_LOGIN_ATTEMPTS", "login"]);
    expect(err.retryDelayMs).toBeGreaterThan(0);
    expect(err.retryDelayMs).toBeLessThanOrEqual(60_000);
    expect(err.message).not.toContain("victim");
    // The same login however it is written: case and surrounding spaces do not reset it.
    expect(await fail(t, "  VICTIM@Example.com ", "203.0.113.3")).toBeInstanceOf(DomainError);
    // Another login is not affected.
    expect(await fail(t, "other@example.com", "203.0.113.4")).toBe("counted");
  });

  it("limits one address across many logins (perAddress), and other addresses are not affected", async () => {
    const t = throttle(mode);
    for (let i = 0; i < 5; i++) expect(await fail(t, `user${i}@example.com`, "198.51.100.7")).toBe("counted");
    const refused = (await fail(t, "user9@example.com", "198.51.100.7")) as DomainError;
    expect([refused.reason, refused.metadata.limitedBy]).toEqual(["TOO_MANY_LOGIN_ATTEMPTS", "address"]);
    expect(await fail(t, "user9@example.com", "198.51.100.8")).toBe("counted");
  });

  it("a success clears the login's failures and does not count against the address", async () => {
    const t = throttle(mode, { perLogin: 3, perAddress: 4 });
    for (let i = 0; i < 2; i++) await fail(t, "owner@example.com", "192.0.2.1");
    await (await t.begin("owner@example.com", "192.0.2.1")).succeeded();
    // The login starts again at 0: three more failures are let through to the password check.
    for (let i = 0; i < 2; i++) expect(await fail(t, "owner@example.com", "192.0.2.9")).toBe("counted");
    expect(await fail(t, "owner@example.com", "192.0.2.9")).toBe("counted");
    expect(await fail(t, "owner@example.com", "192.0.2.9")).toBeInstanceOf(DomainError);
    // Address 192.0.2.1 had 2 failures and a success: two more failures fit under its 4.
    expect(await fail(t, "a@example.com", "192.0.2.1")).toBe("counted");
    expect(await fail(t, "b@example.com", "192.0.2.1")).toBe("counted");
    expect(await fail(t, "c@example.com", "192.0.2.1")).toBeInstanceOf(DomainError);
  });

  it("lets exactly perLogin of 30 concurrent attempts through to the password check", async () => {
    const t = throttle(mode, { perLogin: 10, perAddress: 1_000 });
    const outcomes = await Promise.all(Array.from({ length: 30 }, (_, i) => fail(t, "hot@example.com", `203.0.113.${i + 10}`)));
    expect(outcomes.filter((o) => o === "counted")).toHaveLength(10);
    expect(outcomes.filter((o) => o instanceof DomainError && o.reason === "TOO_MANY_LOGIN_ATTEMPTS")).toHaveLength(20);
  });

  it("a refused attempt does not count against the other key", async () => {
    const t = throttle(mode, { perLogin: 2, perAddress: 100 });
    await fail(t, "locked@example.com", "192.0.2.50");
    await fail(t, "locked@example.com", "192.0.2.50");
    for (let i = 0; i < 5; i++) expect(await fail(t, "locked@example.com", "192.0.2.51")).toBeInstanceOf(DomainError);
    // 192.0.2.51 was refused five times for the login's sake; its own count is still 0.
    const t2Logins = Array.from({ length: 3 }, (_, i) => `fresh${i}@example.com`);
    for (const login of t2Logins) expect(await fail(t, login, "192.0.2.51")).toBe("counted");
  });
});

describe("login throttle on Redis", () => {
  it("is shared by replicas: two throttles on one prefix count together, and the counters are in Redis", async () => {
    const prefix = uniquePrefix();
    const replicas = [0, 1].map(() => new LoginThrottle({ limits: { perLogin: 4, perAddress: 100, windowMs: 60_000 }, redisUrl: TEST_REDIS_URL, prefix }));
    opened.push(...replicas);
    for (let i = 0; i < 4; i++) expect(await fail(replicas[i % 2]!, "shared@example.com", "192.0.2.200")).toBe("counted");
    expect(await fail(replicas[0]!, "shared@example.com", "192.0.2.201")).toBeInstanceOf(DomainError);
    expect(await fail(replicas[1]!, "shared@example.com", "192.0.2.202")).toBeInstanceOf(DomainError);
    const redis = new Redis(TEST_REDIS_URL);
    try {
      expect(await redis.get(`${prefix}:login:${loginKey("shared@example.com")}`)).toBe("6");
      expect(await redis.get(`${prefix}:address:192.0.2.200`)).toBe("4");
    } finally {
      redis.disconnect();
    }
  });
});

describe("login throttle windows", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("in-process: a refused login is let through again once its window has passed (clock moved, not waited)", async () => {
    vi.useFakeTimers({ now: new Date("2026-01-01T00:00:00Z") });
    const t = throttle("in-process", { perLogin: 2, windowMs: 15 * 60_000 });
    await fail(t, "w@example.com");
    await fail(t, "w@example.com");
    const refused = (await fail(t, "w@example.com")) as DomainError;
    expect(refused.retryDelayMs).toBe(15 * 60_000);
    vi.advanceTimersByTime(10 * 60_000);
    expect(((await fail(t, "w@example.com")) as DomainError).retryDelayMs).toBe(5 * 60_000);
    vi.advanceTimersByTime(5 * 60_000 + 1);
    expect(await fail(t, "w@example.com")).toBe("counted");
  });

  it("Redis: the counter carries the window's expiry, and a refused login is let through again after it", async () => {
    const prefix = uniquePrefix();
    const t = new LoginThrottle({ limits: { perLogin: 1, perAddress: 100, windowMs: 1_000 }, redisUrl: TEST_REDIS_URL, prefix });
    opened.push(t);
    await fail(t, "exp@example.com");
    const redis = new Redis(TEST_REDIS_URL);
    try {
      const key = `${prefix}:login:${loginKey("exp@example.com")}`;
      expect(await redis.get(key)).toBe("1");
      const ttl = await redis.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(1_000);
      // The store never holds the login itself.
      expect(await redis.keys(`${prefix}*exp@example.com*`)).toEqual([]);
      expect(await fail(t, "exp@example.com")).toBeInstanceOf(DomainError);
      // Checked by state: poll until the key expired (bounded), then the login is counted afresh.
      for (let i = 0; i < 100 && (await redis.exists(key)) === 1; i++) await new Promise((r) => setTimeout(r, 50));
      expect(await redis.exists(key)).toBe(0);
      expect(await fail(t, "exp@example.com")).toBe("counted");
    } finally {
      redis.disconnect();
    }
  });
});

describe("login throttle with Redis unreachable", () => {
  it("fails open to counting in this process: logins keep working, and the limit still holds per process", async () => {
    const deadRedis = `redis://127.0.0.1:${await freePort()}`;
    const t = throttle("redis", { perLogin: 3, perAddress: 100 }, deadRedis);
    const outcomes = [];
    for (let i = 0; i < 5; i++) outcomes.push(await fail(t, "offline@example.com", "192.0.2.77"));
    expect(outcomes.slice(0, 3)).toEqual(["counted", "counted", "counted"]);
    expect(outcomes.slice(3).map((o) => (o as DomainError).reason)).toEqual(["TOO_MANY_LOGIN_ATTEMPTS", "TOO_MANY_LOGIN_ATTEMPTS"]);
    // A success still resets, through the same fallback.
    const other = await t.begin("fine@example.com", "192.0.2.78");
    await expect(other.succeeded()).resolves.toBeUndefined();
  });
});
