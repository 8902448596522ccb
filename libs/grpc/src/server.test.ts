import { afterAll, describe, expect, it } from "vitest";
import { Client, credentials, Metadata, status as Status, type ServiceError } from "@grpc/grpc-js";
import { create, toBinary } from "@bufbuild/protobuf";
import { descriptorRegistry } from "@wms/proto/descriptors";
import { ShopServiceService } from "@wms/proto/shop";
import { TokenVerifier } from "@wms/auth";
import { DomainError, errors, fromServiceError } from "@wms/errors";
import { createLogger } from "@wms/logging";
import { generateKeyPairSync } from "node:crypto";
import { bindService, unimplementedHandlers } from "./binding.js";
import { createClient } from "./client.js";
import { startGrpcServer, type RunningServer } from "./server.js";

const { publicKey } = generateKeyPairSync("ed25519");
const started: RunningServer[] = [];
afterAll(async () => {
  await Promise.all(started.map((s) => s.shutdown(100)));
});

async function serverWith(getShop: () => Promise<never> | Promise<{ shop: undefined }>): Promise<RunningServer> {
  const server = await startGrpcServer({
    name: "test",
    host: "127.0.0.1",
    port: 0,
    services: [bindService(ShopServiceService, { ...unimplementedHandlers(ShopServiceService), getShop })],
    verifier: new TokenVerifier(publicKey),
    logger: createLogger("test", "silent"),
  });
  started.push(server);
  return server;
}

describe("the gRPC server bootstrap", () => {
  it("drains a call in flight on shutdown, then refuses new calls", async () => {
    // Shut down once the call has reached its handler (a fixed wait lost the race on a busy machine).
    let arrived = () => {};
    const received = new Promise<void>((resolve) => (arrived = resolve));
    const server = await serverWith(() => {
      arrived();
      return new Promise((resolve) => setTimeout(() => resolve({ shop: undefined }), 300));
    });
    const client = createClient(ShopServiceService, server.address);
    const inFlight = client.getShop({ shopId: "x" });
    await received;
    await server.shutdown(5_000);
    await expect(inFlight).resolves.toEqual({ shop: undefined });
    const after = await client.getShop({ shopId: "x" }, { deadline: new Date(Date.now() + 1_000) }).catch((e: unknown) => e);
    expect(after).toBeInstanceOf(DomainError);
    expect(["UNAVAILABLE", "DEADLINE_EXCEEDED"]).toContain((after as DomainError).kind);
    client.close();
  });

  it("answers UNIMPLEMENTED for a contract method with no handler yet, and UNAUTHENTICATED for a bad token", async () => {
    const server = await serverWith(() => Promise.reject(errors.notFound("shop", "x")));
    const client = createClient(ShopServiceService, server.address);
    const unimplemented = await client.listShops({ ownerUserId: "", pageSize: 0, pageToken: "" }).catch((e: unknown) => e);
    expect((unimplemented as DomainError).kind).toBe("UNIMPLEMENTED");
    const badToken = await client.getShop({ shopId: "x" }, { bearerToken: "not-a-jwt" }).catch((e: unknown) => e);
    expect((badToken as DomainError).kind).toBe("UNAUTHENTICATED");
    const notFound = await client.getShop({ shopId: "x" }).catch((e: unknown) => e);
    expect([(notFound as DomainError).kind, (notFound as DomainError).reason]).toEqual(["NOT_FOUND", "SHOP_NOT_FOUND"]);
    client.close();
  });

  it("refuses a NUL byte, an int64 beyond 2^53 and garbage bytes with INVALID_ARGUMENT before the handler runs", async () => {
    let handled = 0;
    const server = await startGrpcServer({
      name: "test",
      host: "127.0.0.1",
      port: 0,
      services: [
        bindService(ShopServiceService, {
          ...unimplementedHandlers(ShopServiceService),
          getShop: async () => {
            handled += 1;
            return { shop: undefined };
          },
          listShops: async () => {
            handled += 1;
            return { shops: [], nextPageToken: "" };
          },
        }),
      ],
      verifier: new TokenVerifier(publicKey),
      logger: createLogger("test", "silent"),
    });
    started.push(server);
    const raw = new Client(server.address, credentials.createInsecure());
    const call = (method: string, bytes: Uint8Array) =>
      new Promise<ServiceError | undefined>((resolve) =>
        raw.makeUnaryRequest(`/wms.shop.v1.ShopService/${method}`, (b: Buffer) => b, (b: Buffer) => b, Buffer.from(bytes), new Metadata(), { deadline: new Date(Date.now() + 5_000) }, (err) => resolve(err ?? undefined)),
      );
    const input = (name: string) => descriptorRegistry().getMessage(`wms.shop.v1.${name}`)!;
    const nul = await call("GetShop", toBinary(input("GetShopRequest"), create(input("GetShopRequest"), { shopId: "a\u0000b" })));
    const huge = await call("ListShops", toBinary(input("ListShopsRequest"), create(input("ListShopsRequest"), { pageSize: 2 ** 31 - 1 })));
    const garbage = await call("GetShop", Uint8Array.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]));
    raw.close();
    for (const err of [nul, garbage]) expect(err?.code).toBe(Status.INVALID_ARGUMENT);
    expect(fromServiceError(nul).fieldViolations.map((v) => v.field)).toEqual(["shop_id"]);
    expect(huge).toBeUndefined(); // int32 page sizes are not 64-bit: clamped by the handler, not refused here
    expect(handled).toBe(1);
  });

  it("balances a client round-robin over every address it is given, and past a replica that drained", async () => {
    const served = [0, 0];
    const [a, b] = await Promise.all(
      [0, 1].map((i) =>
        serverWith(async () => {
          served[i]! += 1;
          return { shop: undefined };
        }),
      ),
    );
    const client = createClient(ShopServiceService, `${a!.address},localhost:${b!.port}`);
    for (let i = 0; i < 20; i++) await client.getShop({ shopId: "x" });
    expect(served[0]).toBeGreaterThanOrEqual(5);
    expect(served[1]).toBeGreaterThanOrEqual(5);
    expect(served[0]! + served[1]!).toBe(20);

    await a!.shutdown(1_000);
    const before = served[1]!;
    for (let i = 0; i < 10; i++) await client.getShop({ shopId: "x" });
    expect(served[1]! - before).toBe(10);
    client.close();
  });
});
