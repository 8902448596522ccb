import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, credentials, Metadata, status as Status, type ServiceError } from "@grpc/grpc-js";
import { UserServiceService, type LoginRequest } from "@wms/proto/user";
import { decodeStatusDetails, fromServiceError } from "@wms/errors";
import { createLogger } from "@wms/logging";
import { serviceNames, type ServiceName } from "@wms/proto/services";
import { startGateway, type RunningGateway } from "@wms/gateway";
import { freePort, rejection, testServices, TEST_REDIS_URL } from "@wms/testing";
import { shopService } from "@wms/shop-service";
import { inProcessCallCount, setInProcessCalls } from "../libs/grpc/src/in-process.js";
import { userService } from "@wms/user-service";

// Login throttling and the gateway's rate limit, end to end: the user service on real
// PostgreSQL, counting on the test Redis (under a key prefix of this file's own) or in process,
// behind the real gateway. Limits are small so a few calls reach them; no assertion waits on time.

const services = testServices("abuse_limits");
const PASSWORD = "correct horse battery";
const gateways: RunningGateway[] = [];
let redisUser: string; // counts on Redis; trusts the gateway on loopback (the default)
let localUser: string; // counts in process; trusts no proxy
let rest: string; // a gateway in front of redisUser that believes the test's x-forwarded-for
let limitedRest: string; // a gateway with a rate limit and a clock of the test's
let plainRest: string; // a gateway as configured by default: it believes no client's x-forwarded-for
let now = 0;

function upstreamsWith(user: string): Record<ServiceName, string> {
  return Object.fromEntries(serviceNames.map((n) => [n, n === "user" ? user : "127.0.0.1:1"])) as Record<ServiceName, string>;
}

beforeAll(async () => {
  const shop = await services.start(shopService);
  const limits = { LOGIN_MAX_FAILURES_PER_LOGIN: "3", LOGIN_MAX_FAILURES_PER_ADDRESS: "5", SHOP_SERVICE_ADDR: shop.address };
  redisUser = (await services.start(userService, { ...limits, REDIS_URLS: TEST_REDIS_URL, LOGIN_THROTTLE_KEY_PREFIX: `wms-test:${randomBytes(6).toString("hex")}` })).address;
  localUser = (await services.start(userService, { ...limits, TRUSTED_PROXIES: "none" })).address;
  const logger = createLogger("gateway", "silent");
  // 127.0.0.1 is the test itself: its x-forwarded-for plays REST clients at many addresses.
  gateways.push(await startGateway({ host: "127.0.0.1", port: 0, upstreams: upstreamsWith(redisUser), trustedProxies: ["127.0.0.1"], logger }));
  gateways.push(
    await startGateway({ host: "127.0.0.1", port: 0, upstreams: upstreamsWith(redisUser), trustedProxies: ["127.0.0.1"], rateLimit: { ratePerSecond: 1, burst: 2, now: () => now }, logger }),
  );
  gateways.push(await startGateway({ host: "127.0.0.1", port: 0, upstreams: upstreamsWith(redisUser), logger }));
  [rest, limitedRest, plainRest] = gateways.map((g) => g.url) as [string, string, string];
  const users = services.client(UserServiceService, redisUser);
  for (const n of ["rest", "grpc", "owner", "addr1", "addr2", "addr3", "addr4", "addr5", "addr6", "local1", "local2", "local3", "local4", "local5", "local6", "inproc1", "inproc2", "inproc3", "inproc4", "inproc5", "inproc6"]) {
    await users.register({ email: `${n}@example.com`, phone: "", password: PASSWORD, shopName: "", shopDescription: "" });
  }
});
afterAll(async () => {
  await Promise.all(gateways.map((g) => g.close(100)));
  await services.stop();
});

async function restLogin(base: string, login: string, password: string, clientAddress?: string) {
  const res = await fetch(`${base}/v1/users:login`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(clientAddress ? { "x-forwarded-for": clientAddress } : {}) },
    body: JSON.stringify({ login, password }),
  });
  return { status: res.status, retryAfter: res.headers.get("retry-after"), body: (await res.json()) as { code: number; details: Array<Record<string, unknown>> } };
}

/** A Login over gRPC with an `x-forwarded-for` of the caller's choosing. */
function grpcLogin(address: string, request: LoginRequest, forwardedFor?: string): Promise<ServiceError | undefined> {
  const client = new Client(address, credentials.createInsecure());
  const method = UserServiceService.login;
  const metadata = new Metadata();
  if (forwardedFor) metadata.set("x-forwarded-for", forwardedFor);
  return new Promise((resolve) => {
    client.makeUnaryRequest(method.path, method.requestSerialize, method.responseDeserialize, request, metadata, (err) => {
      client.close();
      resolve(err ?? undefined);
    });
  });
}

describe("login throttling over REST", () => {
  it("401 for each allowed failure, then 429 with Retry-After and RetryInfo; the right password is refused too until the window ends", async () => {
    for (let i = 0; i < 3; i++) expect((await restLogin(rest, "rest@example.com", "wrong password", `198.51.100.${i + 1}`)).status).toBe(401);
    for (const password of ["wrong password", PASSWORD]) {
      const refused = await restLogin(rest, "rest@example.com", password, "198.51.100.9");
      expect(refused.status).toBe(429);
      expect(refused.body.code).toBe(Status.RESOURCE_EXHAUSTED);
      const seconds = Number(refused.retryAfter);
      expect(Number.isInteger(seconds) && seconds >= 1 && seconds <= 900).toBe(true);
      const info = refused.body.details.find((d) => d["@type"] === "type.googleapis.com/google.rpc.ErrorInfo");
      expect(info).toMatchObject({ reason: "TOO_MANY_LOGIN_ATTEMPTS", domain: "wms.user.v1", metadata: { limitedBy: "login" } });
      const retry = refused.body.details.find((d) => d["@type"] === "type.googleapis.com/google.rpc.RetryInfo");
      expect(retry?.retryDelay).toMatch(/^\d+(\.\d+)?s$/);
      // The header is the detail's delay in whole seconds, rounded up.
      expect(seconds).toBe(Math.max(1, Math.ceil(Number.parseFloat(String(retry?.retryDelay)))));
      expect(JSON.stringify(refused.body)).not.toMatch(/rest@example\.com|stack|\s+at /);
    }
  });

  it("the gateway forwards each REST client's address: one address is limited across logins, another is not", async () => {
    for (let i = 1; i <= 5; i++) expect((await restLogin(rest, `addr${i}@example.com`, "wrong password", "203.0.113.50")).status).toBe(401);
    const refused = await restLogin(rest, "addr6@example.com", "wrong password", "203.0.113.50");
    expect(refused.status).toBe(429);
    expect(refused.body.details.find((d) => d["@type"] === "type.googleapis.com/google.rpc.ErrorInfo")).toMatchObject({ metadata: { limitedBy: "address" } });
    expect((await restLogin(rest, "addr6@example.com", "wrong password", "203.0.113.51")).status).toBe(401);
    // A success from the limited address's neighbour works, and does not count.
    expect((await restLogin(rest, "owner@example.com", PASSWORD, "203.0.113.51")).status).toBe(200);
  });
});

describe("a REST client's own x-forwarded-for", () => {
  it("is not believed by a gateway with no GATEWAY_TRUSTED_PROXIES: the socket's address is sent on instead", async () => {
    // Unknown logins fail like wrong passwords, and count against the address the service is told.
    for (let i = 0; i < 6; i++) expect([401, 429]).toContain((await restLogin(plainRest, `nobody${i}@example.com`, "x", "203.0.113.70")).status);
    // 203.0.113.70 itself was never counted: through the gateway that believes the test, it still has all 5.
    for (let i = 0; i < 5; i++) expect((await restLogin(rest, `nobody-else${i}@example.com`, "x", "203.0.113.70")).status).toBe(401);
    expect((await restLogin(rest, "nobody-else9@example.com", "x", "203.0.113.70")).status).toBe(429);
  });
});

describe("login throttling in the one-process mesh (in-process calls)", () => {
  it("the gateway's x-forwarded-for reaches the user service through an in-process call too", async () => {
    setInProcessCalls(true);
    try {
      const before = inProcessCallCount();
      for (let i = 1; i <= 5; i++) expect((await restLogin(rest, `inproc${i}@example.com`, "wrong password", "203.0.113.60")).status).toBe(401);
      expect(inProcessCallCount() - before).toBe(5);
      const refused = await restLogin(rest, "inproc6@example.com", "wrong password", "203.0.113.60");
      expect([refused.status, refused.retryAfter === null]).toEqual([429, false]);
      expect((await restLogin(rest, "inproc6@example.com", "wrong password", "203.0.113.61")).status).toBe(401);
    } finally {
      setInProcessCalls(false);
    }
  });
});

describe("login throttling over gRPC", () => {
  it("RESOURCE_EXHAUSTED with RetryInfo that clients decode (Redis-backed service)", async () => {
    // From addresses of their own (the test is a trusted proxy of this service): 127.0.0.1 itself
    // is spent by the test above.
    for (let i = 0; i < 3; i++) expect((await grpcLogin(redisUser, { login: "grpc@example.com", password: "nope" }, `198.18.0.${i + 1}`))?.code).toBe(Status.UNAUTHENTICATED);
    const err = (await grpcLogin(redisUser, { login: "grpc@example.com", password: PASSWORD }, "198.18.0.9"))!;
    expect(err.code).toBe(Status.RESOURCE_EXHAUSTED);
    const details = decodeStatusDetails(err.metadata);
    expect(details.reason).toBe("TOO_MANY_LOGIN_ATTEMPTS");
    expect(details.retryDelayMs).toBeGreaterThan(0);
    expect(details.retryDelayMs).toBeLessThanOrEqual(15 * 60_000);
    // The mesh's own clients keep it: a service passing the error on passes RetryInfo on.
    expect(fromServiceError(err).retryDelayMs).toBe(details.retryDelayMs);
  });

  it("a caller that is no trusted proxy cannot spread its failures over invented addresses (in-process service)", async () => {
    const users = services.client(UserServiceService, localUser);
    for (let i = 1; i <= 5; i++) {
      expect((await grpcLogin(localUser, { login: `local${i}@example.com`, password: "nope" }, `192.0.2.${i}`))?.code).toBe(Status.UNAUTHENTICATED);
    }
    const refused = await rejection(users.login({ login: "local6@example.com", password: "nope" }));
    expect([refused.kind, refused.reason, refused.metadata.limitedBy]).toEqual(["RESOURCE_EXHAUSTED", "TOO_MANY_LOGIN_ATTEMPTS", "address"]);
    expect(refused.retryDelayMs).toBeGreaterThan(0);
  });
});

describe("login throttling with Redis unreachable", () => {
  it("fails open to in-process counting: the right password logs in, and failures are still limited", async () => {
    const deadRedis = `redis://127.0.0.1:${await freePort()}`;
    const shop = await services.start(shopService);
    const user = await services.start(userService, { REDIS_URLS: deadRedis, LOGIN_MAX_FAILURES_PER_LOGIN: "2", SHOP_SERVICE_ADDR: shop.address });
    const users = services.client(UserServiceService, user.address);
    await users.register({ email: "offline@example.com", phone: "", password: PASSWORD, shopName: "", shopDescription: "" });
    expect((await users.login({ login: "offline@example.com", password: PASSWORD })).accessToken).not.toBe("");
    for (let i = 0; i < 2; i++) expect((await rejection(users.login({ login: "offline@example.com", password: "nope" }))).reason).toBe("INVALID_CREDENTIALS");
    expect((await rejection(users.login({ login: "offline@example.com", password: "nope" }))).reason).toBe("TOO_MANY_LOGIN_ATTEMPTS");
  });
});

describe("the gateway's rate limit", () => {
  it("per client address: the burst passes, the next is 429 RATE_LIMITED with Retry-After and RetryInfo, and refills with the clock", async () => {
    const call = (address: string) => fetch(`${limitedRest}/v1/users/me`, { headers: { "x-forwarded-for": address } });
    now = 0;
    for (let i = 0; i < 2; i++) expect((await call("203.0.113.80")).status).toBe(401); // through to the service: no token
    const limited = await call("203.0.113.80");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("1");
    const body = (await limited.json()) as { details: Array<Record<string, unknown>> };
    expect(body.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "RATE_LIMITED", domain: "wms.gateway" }),
        expect.objectContaining({ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "1s" }),
      ]),
    );
    expect((await call("203.0.113.81")).status).toBe(401); // another address has its own bucket
    expect((await fetch(`${limitedRest}/healthz`, { headers: { "x-forwarded-for": "203.0.113.80" } })).status).toBe(200); // health is not counted
    now += 1_000;
    expect((await call("203.0.113.80")).status).toBe(401);
    expect((await call("203.0.113.80")).status).toBe(429);
  });

  it("is off by default: a gateway without a limit lets a run of requests through", async () => {
    const statuses = await Promise.all(Array.from({ length: 50 }, () => fetch(`${rest}/v1/users/me`).then((r) => r.status)));
    expect(new Set(statuses)).toEqual(new Set([401]));
  });
});
