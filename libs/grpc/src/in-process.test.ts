import { afterAll, afterEach, describe, expect, it } from "vitest";
import { generateKeyPairSync } from "node:crypto";
import { Writable } from "node:stream";
import { Client, credentials, Metadata, type ServiceError } from "@grpc/grpc-js";
import { ShopServiceService, type GetShopRequest, type GetShopResponse, type Shop } from "@wms/proto/shop";
import { TokenIssuer, TokenVerifier } from "@wms/auth";
import { errors, fromServiceError } from "@wms/errors";
import { createLogger } from "@wms/logging";
import { bindService, unimplementedHandlers, type HandlersOf } from "./binding.js";
import { createClient } from "./client.js";
import type { CallContext } from "./context.js";
import { inProcessCallCount, setInProcessCalls } from "./in-process.js";
import { startGrpcServer, type Middleware, type RunningServer } from "./server.js";
import { unaryCall } from "./unary.js";

// Every case runs the same calls over the wire and in-process against the same server and
// compares what the caller gets, what the handler sees and what the server logs.

const { publicKey, privateKey } = generateKeyPairSync("ed25519");
const issuer = new TokenIssuer(privateKey);
const started: RunningServer[] = [];
afterEach(() => setInProcessCalls(false));
afterAll(async () => {
  await Promise.all(started.map((s) => s.shutdown(100)));
});

const stored: Shop = { shopId: "s-1", ownerUserId: "u-1", name: "Corner shop", description: "", createTime: { seconds: 1767323045, nanos: 678_000_000 } };

interface Seen {
  principal: unknown;
  deadline: Date | undefined;
  request: GetShopRequest;
}

async function harness(opts: { maxReceiveMessageLength?: number; handlers?: Partial<HandlersOf<typeof ShopServiceService>> } = {}) {
  const seen: Seen[] = [];
  const lines: Record<string, unknown>[] = [];
  let middlewareRuns = 0;
  const counting: Middleware = (_ctx, _req, next) => {
    middlewareRuns += 1;
    return next();
  };
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const server = await startGrpcServer({
    name: "shop",
    host: "127.0.0.1",
    port: 0,
    services: [
      bindService(ShopServiceService, {
        ...unimplementedHandlers(ShopServiceService),
        getShop: async (request: GetShopRequest, ctx: CallContext): Promise<GetShopResponse> => {
          seen.push({ principal: ctx.principal, deadline: ctx.deadline, request: structuredClone(request) });
          ctx.requireAny();
          if (request.shopId === "missing") throw errors.notFound("shop", request.shopId);
          if (request.shopId === "bad") throw errors.invalidArgument([{ field: "shop_id", description: "not a shop id", reason: "INVALID_FORMAT" }], "invalid shop_id");
          if (request.shopId === "boom") throw new Error("database password=hunter2 at 10.0.0.1");
          if (request.shopId === "slow") await new Promise((r) => setTimeout(r, 400));
          request.shopId = "changed by the handler"; // must never reach the caller's object
          return { shop: stored };
        },
        ...opts.handlers,
      }),
    ],
    verifier: new TokenVerifier(publicKey),
    logger: createLogger("shop", "info", sink),
    middleware: [counting],
    maxReceiveMessageLength: opts.maxReceiveMessageLength,
  });
  started.push(server);
  const client = createClient(ShopServiceService, server.address);
  return { server, client, seen, lines, middlewareRuns: () => middlewareRuns };
}

/** Runs `call` once over the wire and once in-process; checks which way each went. */
async function bothWays<T>(call: () => Promise<T>): Promise<{ wire: T; local: T }> {
  setInProcessCalls(false);
  const before = inProcessCallCount();
  const wire = await call();
  expect(inProcessCallCount()).toBe(before);
  setInProcessCalls(true);
  const local = await call();
  expect(inProcessCallCount()).toBeGreaterThan(before);
  setInProcessCalls(false);
  return { wire, local };
}

const settle = <T>(p: Promise<T>): Promise<{ value?: T; error?: unknown }> => p.then((value) => ({ value }), (error: unknown) => ({ error }));

/** What a caller can observe of a failure: its DomainError, and the raw status the gateway reads. */
function failure(outcome: { value?: unknown; error?: unknown }) {
  expect(outcome.error).toBeDefined();
  const err = fromServiceError(outcome.error);
  return { kind: err.kind, reason: err.reason, message: err.message, violations: err.fieldViolations, metadata: err.metadata, domain: err.domain };
}

describe("in-process calls give what the wire gives", () => {
  it("answers the same message, and neither side's object is shared with the other", async () => {
    const { client, seen, middlewareRuns, lines } = await harness();
    const token = (await issuer.issueUserToken("u-9", "buyer", 60_000)).token;
    const request = { shopId: "s-1" };
    const { wire, local } = await bothWays(() => client.getShop(request, { bearerToken: token, deadline: new Date(Date.now() + 5_000) }));
    expect(local).toEqual(wire);
    expect(local).toEqual({ shop: stored });
    expect(local.shop).not.toBe(stored);
    expect(request).toEqual({ shopId: "s-1" });
    local.shop!.name = "changed by the caller";
    expect(stored.name).toBe("Corner shop");
    // The handler saw the same principal, request and deadline (to the wire's millisecond rounding).
    expect(seen).toHaveLength(2);
    expect(seen[1]!.principal).toEqual(seen[0]!.principal);
    expect(seen[1]!.principal).toEqual({ kind: "user", userId: "u-9", role: "buyer" });
    expect(seen[1]!.request).toEqual(seen[0]!.request);
    expect(Math.abs(seen[1]!.deadline!.getTime() - seen[0]!.deadline!.getTime())).toBeLessThan(5_000);
    expect(seen[1]!.deadline!.getTime()).toBeGreaterThan(Date.now());
    expect(middlewareRuns()).toBe(2);
    const rpcLines = lines.filter((l) => l.msg === "rpc");
    expect(rpcLines.map((l) => [l.rpc, l.code, l.service])).toEqual([
      ["/wms.shop.v1.ShopService/GetShop", "OK", "shop"],
      ["/wms.shop.v1.ShopService/GetShop", "OK", "shop"],
    ]);
  });

  it("fails with the same status, ErrorInfo, field violations and trailers", async () => {
    const { client, server } = await harness();
    const token = (await issuer.issueServiceToken("order", 60_000)).token;
    for (const shopId of ["missing", "bad", "boom", "a\u0000b"]) {
      const { wire, local } = await bothWays(() => settle(client.getShop({ shopId }, { bearerToken: token })));
      expect(failure(local)).toEqual(failure(wire));
    }
    // As the gateway reads it: code, details and the binary status details, byte for byte.
    const raw = new Client(server.address, credentials.createInsecure());
    const method = {
      path: ShopServiceService.getShop.path,
      requestSerialize: ShopServiceService.getShop.requestSerialize,
      responseDeserialize: ShopServiceService.getShop.responseDeserialize,
    };
    for (const shopId of ["bad", "boom"]) {
      const call = () => settle(unaryCall(raw, method, { shopId }, { caller: "gateway", target: server.address, deadline: new Date(Date.now() + 5_000), authorization: `Bearer ${token}` }));
      const { wire, local } = await bothWays(call);
      const w = wire.error as ServiceError;
      const l = local.error as ServiceError;
      expect([l.code, l.details, l.message]).toEqual([w.code, w.details, w.message]);
      expect(l.metadata.get("grpc-status-details-bin")).toEqual(w.metadata.get("grpc-status-details-bin"));
      expect(JSON.stringify(l)).not.toContain("hunter2");
    }
    raw.close();
  });

  it("authenticates the same way: no token, a malformed header, a forged token", async () => {
    const { client, server } = await harness();
    const forged = (await new TokenIssuer(generateKeyPairSync("ed25519").privateKey).issueServiceToken("order", 60_000)).token;
    for (const bearerToken of [undefined, "not-a-jwt", forged]) {
      const { wire, local } = await bothWays(() => settle(client.getShop({ shopId: "s-1" }, bearerToken ? { bearerToken } : {})));
      expect(failure(local)).toEqual(failure(wire));
      expect(failure(local).kind).toBe("UNAUTHENTICATED");
    }
    const raw = new Client(server.address, credentials.createInsecure());
    const method = { path: ShopServiceService.getShop.path, requestSerialize: ShopServiceService.getShop.requestSerialize, responseDeserialize: ShopServiceService.getShop.responseDeserialize };
    const malformed = () => settle(unaryCall(raw, method, { shopId: "s-1" }, { caller: "gateway", target: server.address, deadline: new Date(Date.now() + 5_000), authorization: "Basic abc" }));
    const { wire, local } = await bothWays(malformed);
    expect(failure(local)).toEqual(failure(wire));
    expect(failure(local).reason).toBe("AUTHORIZATION_MALFORMED");
    raw.close();
  });

  it("runs out of time the same way, and refuses a request over the size limit", async () => {
    const { client } = await harness({ maxReceiveMessageLength: 64 });
    const token = (await issuer.issueServiceToken("order", 60_000)).token;
    const late = await bothWays(() => settle(client.getShop({ shopId: "slow" }, { bearerToken: token, deadline: new Date(Date.now() + 100) })));
    expect(failure(late.local)).toEqual(failure(late.wire));
    expect([failure(late.local).kind, failure(late.local).reason]).toEqual(["DEADLINE_EXCEEDED", "SERVICE_TIMEOUT"]);
    const big = await bothWays(() => settle(client.getShop({ shopId: "x".repeat(100) }, { bearerToken: token })));
    expect((big.local.error as { kind: string }).kind).toBe("RESOURCE_EXHAUSTED");
    expect(failure(big.local)).toEqual(failure(big.wire));
  });

  it("drains an in-process call under way on shutdown, then sends new calls to the wire, which refuses them", async () => {
    let arrived = () => {};
    const received = new Promise<void>((resolve) => (arrived = resolve));
    const { client, server } = await harness({
      handlers: {
        listShops: async () => {
          arrived();
          await new Promise((r) => setTimeout(r, 300));
          return { shops: [], nextPageToken: "" };
        },
      },
    });
    setInProcessCalls(true);
    const before = inProcessCallCount();
    const inFlight = client.listShops({ ownerUserId: "", pageSize: 0, pageToken: "" });
    await received;
    expect(inProcessCallCount()).toBe(before + 1);
    await server.shutdown(5_000);
    await expect(inFlight).resolves.toEqual({ shops: [], nextPageToken: "" });
    const after = await client.getShop({ shopId: "x" }, { deadline: new Date(Date.now() + 1_000) }).catch((e: unknown) => e);
    expect(["UNAVAILABLE", "DEADLINE_EXCEEDED"]).toContain((after as { kind: string }).kind);
    expect(inProcessCallCount()).toBe(before + 1);
    client.close();
  });

  it("stays on the wire for a list of replicas, another host, or a method this process does not serve", async () => {
    const { server } = await harness();
    setInProcessCalls(true);
    const before = inProcessCallCount();
    const replicas = createClient(ShopServiceService, `${server.address},127.0.0.1:${server.port}`);
    await replicas.getShop({ shopId: "missing" }).catch(() => undefined);
    replicas.close();
    const raw = new Client(server.address, credentials.createInsecure());
    const health = await new Promise<Buffer | undefined>((resolve) =>
      raw.makeUnaryRequest("/grpc.health.v1.Health/Check", (b: Buffer) => b, (b: Buffer) => b, Buffer.alloc(0), new Metadata(), (err, res) => resolve(err ? undefined : res)),
    );
    raw.close();
    expect(health).toBeDefined();
    expect(inProcessCallCount()).toBe(before);
    // A target naming another host on the same port is never answered here (the channel
    // itself goes to this server's loopback address: no traffic leaves the machine).
    const method = { path: ShopServiceService.getShop.path, requestSerialize: ShopServiceService.getShop.requestSerialize, responseDeserialize: ShopServiceService.getShop.responseDeserialize };
    const loopback = new Client(server.address, credentials.createInsecure());
    await settle(unaryCall(loopback, method, { shopId: "missing" }, { caller: "test", target: `192.0.2.1:${server.port}`, deadline: new Date(Date.now() + 2_000) }));
    await settle(unaryCall(loopback, method, { shopId: "missing" }, { caller: "test", target: `localhost:${server.port}`, deadline: new Date(Date.now() + 2_000) }));
    loopback.close();
    expect(inProcessCallCount()).toBe(before + 1);
  });
});
