import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateKeyPairSync } from "node:crypto";
import { Server, ServerCredentials } from "@grpc/grpc-js";
import { HealthImplementation } from "grpc-health-check";
import { TokenVerifier } from "@wms/auth";
import { bindService, startGrpcServer, unimplementedHandlers, type RunningServer } from "@wms/grpc";
import { createLogger } from "@wms/logging";
import { fullServiceNames, meshServices, serviceNames, type ServiceName } from "@wms/proto/services";
import { freePort } from "@wms/testing";
import { startGateway, type RunningGateway } from "./index.js";

// Upstreams are real servers of the shared bootstrap (health as every service serves it),
// with contracts but no behaviour: readiness only asks grpc.health.v1.
const logger = createLogger("test", "silent");
let upstream: RunningServer;
let gateway: RunningGateway;
let downGateway: RunningGateway;
// The warehouse upstream of `switchGateway`: grpc.health.v1 as every server serves it (the same
// grpc-health-check implementation), with a status this file sets, as a draining service does.
const WAREHOUSE = fullServiceNames.warehouse;
const switchableHealth = new HealthImplementation({ "": "SERVING", [WAREHOUSE]: "SERVING" });
const switchableServer = new Server();
let switchGateway: RunningGateway;

beforeAll(async () => {
  upstream = await startGrpcServer({
    name: "all",
    host: "127.0.0.1",
    port: 0,
    services: serviceNames.map((name) => bindService(meshServices[name].definition, unimplementedHandlers(meshServices[name].definition))),
    verifier: new TokenVerifier(generateKeyPairSync("ed25519").publicKey),
    logger,
  });
  const all = upstream.address;
  gateway = await startGateway({ host: "127.0.0.1", port: 0, upstreams: everyService(all), logger });
  // Nothing listens on this port: the order service is down.
  const nowhere = `127.0.0.1:${await freePort()}`;
  downGateway = await startGateway({ host: "127.0.0.1", port: 0, upstreams: { ...everyService(all), order: nowhere }, logger });
  switchableHealth.addToServer(switchableServer);
  const switchPort = await new Promise<number>((resolve, reject) =>
    switchableServer.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port))),
  );
  switchGateway = await startGateway({ host: "127.0.0.1", port: 0, upstreams: { ...everyService(all), warehouse: `127.0.0.1:${switchPort}` }, logger });
});
afterAll(async () => {
  await gateway?.close();
  await downGateway?.close();
  await switchGateway?.close();
  switchableServer.forceShutdown();
  await upstream?.shutdown(100);
});

/** `value` for every service of the mesh. */
function everyService<T>(value: T): Record<ServiceName, T> {
  return Object.fromEntries(serviceNames.map((name) => [name, value])) as Record<ServiceName, T>;
}

async function get(base: string, path: string, method = "GET"): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${base}${path}`, { method });
  const text = await res.text();
  return { status: res.status, body: text === "" ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

describe("the gateway's HTTP health endpoints", () => {
  it("/healthz answers 200 while the process runs, even with an upstream down", async () => {
    expect(await get(downGateway.url, "/healthz")).toEqual({ status: 200, body: { status: "SERVING" } });
  });

  it("/readyz is 200 when every upstream reports its service SERVING", async () => {
    const ready = await get(gateway.url, "/readyz");
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({
      status: "SERVING",
      upstreams: everyService("SERVING"),
    });
  });

  it("/readyz is 503 naming the upstream that is down, without its address", async () => {
    const res = await fetch(`${downGateway.url}/readyz`);
    const text = await res.text();
    expect(res.status).toBe(503);
    expect(JSON.parse(text)).toMatchObject({ status: "NOT_SERVING", upstreams: { order: "UNAVAILABLE", user: "SERVING" } });
    expect(text).not.toContain("127.0.0.1");
  });

  it("/readyz is 503 while one upstream service reports NOT_SERVING, and 200 again after", async () => {
    switchableHealth.setStatus(WAREHOUSE, "NOT_SERVING");
    try {
      const draining = await get(switchGateway.url, "/readyz");
      expect(draining.status).toBe(503);
      expect(draining.body.upstreams).toMatchObject({ warehouse: "NOT_SERVING", order: "SERVING" });
    } finally {
      switchableHealth.setStatus(WAREHOUSE, "SERVING");
    }
    expect((await get(switchGateway.url, "/readyz")).status).toBe(200);
  });

  it("answers HEAD, and refuses writes with 405", async () => {
    expect((await fetch(`${gateway.url}/healthz`, { method: "HEAD" })).status).toBe(200);
    const post = await fetch(`${gateway.url}/readyz`, { method: "POST" });
    expect([post.status, post.headers.get("allow")]).toEqual([405, "GET, HEAD"]);
  });
});
