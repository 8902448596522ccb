import { afterAll, describe, expect, it } from "vitest";
import { ShopServiceService } from "@wms/proto/shop";
import { TokenVerifier } from "@wms/auth";
import { DomainError, errors } from "@wms/errors";
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
});
