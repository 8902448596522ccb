import { generateKeyPairSync } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { Client, credentials, Metadata, status as Status, type ServiceError } from "@grpc/grpc-js";
import { ShopServiceService } from "@wms/proto/shop";
import { TokenVerifier } from "@wms/auth";
import { createLogger } from "@wms/logging";
import { captureLog } from "@wms/testing";
import { bindService, unimplementedHandlers } from "./binding.js";
import { startGrpcServer, type RunningServer } from "./server.js";

// An unexpected failure (a bug) answers INTERNAL "internal error" with no stack, path or cause;
// the log line names it, and carries its stack only when the level is debug.

const { publicKey } = generateKeyPairSync("ed25519");
const started: RunningServer[] = [];
afterAll(async () => {
  await Promise.all(started.map((s) => s.shutdown(100)));
});

async function failingServer(level: string, failure: Error = new TypeError("Cannot read properties of undefined (reading 'shopId') at /srv/wms/services/shop/src/db/repo.ts")) {
  const out = captureLog();
  const server = await startGrpcServer({
    name: "test",
    host: "127.0.0.1",
    port: 0,
    services: [
      bindService(ShopServiceService, {
        ...unimplementedHandlers(ShopServiceService),
        getShop: () => Promise.reject(failure),
      }),
    ],
    verifier: new TokenVerifier(publicKey),
    logger: createLogger("test", level, out.stream),
  });
  started.push(server);
  return { server, out };
}

function rawCall(address: string): Promise<ServiceError> {
  const client = new Client(address, credentials.createInsecure());
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      "/wms.shop.v1.ShopService/GetShop",
      (b: Buffer) => b,
      (b: Buffer) => b,
      Buffer.from([0x0a, 0x01, 0x78]), // shop_id: "x"
      new Metadata(),
      (err) => {
        client.close();
        resolve(err as ServiceError);
      },
    );
  });
}

describe("an unexpected failure", () => {
  it("answers INTERNAL without its stack or message, and logs no stack at info", async () => {
    const { server, out } = await failingServer("info");
    const err = await rawCall(server.address);
    expect(err.code).toBe(Status.INTERNAL);
    expect(err.details).toBe("internal error");
    const trailers = JSON.stringify(err.metadata.toJSON()) + Buffer.concat(err.metadata.get("grpc-status-details-bin").map((v) => Buffer.from(v))).toString("latin1");
    for (const leaked of ["repo.ts", "/srv/wms", "Cannot read", "    at "]) expect(trailers).not.toContain(leaked);
    const line = out.records().find((r) => r.msg === "rpc failed");
    expect(line).toMatchObject({ level: 50, code: "INTERNAL", err: { type: "TypeError" } });
    expect(line?.err).not.toHaveProperty("stack");
    expect(JSON.stringify(out.records())).not.toMatch(/\n\s+at |\.ts:\d+/);
  });

  it("logs the stack when the level is debug (and still answers without it)", async () => {
    const { server, out } = await failingServer("debug");
    const err = await rawCall(server.address);
    expect(err.details).toBe("internal error");
    const line = out.records().find((r) => r.msg === "rpc failed");
    expect((line?.err as { stack?: string } | undefined)?.stack).toMatch(/^TypeError: .*\n\s+at /);
  });
});

describe("an outage", () => {
  it("answers UNAVAILABLE and logs a warning, not an error: error level is kept for bugs", async () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 10.0.0.7:5432"), { code: "ECONNREFUSED" });
    const { server, out } = await failingServer("info", refused);
    const err = await rawCall(server.address);
    expect(err.code).toBe(Status.UNAVAILABLE);
    expect(err.details).not.toContain("10.0.0.7");
    const line = out.records().find((r) => r.msg === "rpc failed");
    expect(line).toMatchObject({ level: 40, code: "UNAVAILABLE" });
    expect(out.records().some((r) => (r.level as number) >= 50)).toBe(false);
  });
});
