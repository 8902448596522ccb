import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "@wms/config";
import { createLogger } from "@wms/logging";
import { freePort } from "@wms/testing";
import { corsOriginsField } from "./cors.js";
import { serviceNames, type ServiceName } from "@wms/proto/services";
import { startGateway, type RunningGateway } from "./index.js";

const logger = createLogger("test", "silent");
const APP = "http://app.example.test:3000";
let withCors: RunningGateway;
let withoutCors: RunningGateway;
let anyOrigin: RunningGateway;

beforeAll(async () => {
  // Preflights and the gateway's own endpoints never reach an upstream.
  const nowhere = `127.0.0.1:${await freePort()}`;
  const upstreams = Object.fromEntries(serviceNames.map((name) => [name, nowhere])) as Record<ServiceName, string>;
  withCors = await startGateway({ host: "127.0.0.1", port: 0, upstreams, logger, corsOrigins: [APP, "https://admin.example.test"] });
  withoutCors = await startGateway({ host: "127.0.0.1", port: 0, upstreams, logger });
  anyOrigin = await startGateway({ host: "127.0.0.1", port: 0, upstreams, logger, corsOrigins: ["*"] });
});
afterAll(async () => {
  await Promise.all([withCors?.close(), withoutCors?.close(), anyOrigin?.close()]);
});

const preflight = (base: string, origin: string, method = "POST") =>
  fetch(`${base}/v1/users:login`, {
    method: "OPTIONS",
    headers: { origin, "access-control-request-method": method, "access-control-request-headers": "authorization, content-type" },
  });

describe("CORS on the gateway", () => {
  it("answers a preflight from an allowed origin with the methods and headers a browser app needs", async () => {
    const res = await preflight(withCors.url, APP);
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe(APP);
    expect(res.headers.get("access-control-allow-methods")?.split(", ")).toEqual(expect.arrayContaining(["GET", "POST", "PATCH", "OPTIONS"]));
    expect(res.headers.get("access-control-allow-headers")?.split(", ")).toEqual(expect.arrayContaining(["authorization", "content-type"]));
    expect(res.headers.get("vary")).toBe("Origin");
  });

  it("gives a disallowed origin no CORS header, so the browser refuses the call", async () => {
    const res = await preflight(withCors.url, "http://evil.example.test");
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    const get = await fetch(`${withCors.url}/healthz`, { headers: { origin: "http://evil.example.test" } });
    expect(get.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("marks actual responses to an allowed origin readable by it", async () => {
    const res = await fetch(`${withCors.url}/healthz`, { headers: { origin: APP } });
    expect([res.status, res.headers.get("access-control-allow-origin")]).toEqual([200, APP]);
  });

  it("is off by default: no CORS header, and OPTIONS stays a 405", async () => {
    const res = await preflight(withoutCors.url, APP);
    expect(res.status).toBe(405);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("allows every origin with *", async () => {
    const res = await preflight(anyOrigin.url, "http://anything.example.test");
    expect([res.status, res.headers.get("access-control-allow-origin")]).toEqual([204, "*"]);
  });

  it("reads GATEWAY_CORS_ORIGINS as origins and refuses anything else by name", () => {
    const spec = { GATEWAY_CORS_ORIGINS: corsOriginsField };
    expect(loadConfig(spec, {}).GATEWAY_CORS_ORIGINS).toEqual([]);
    expect(loadConfig(spec, { GATEWAY_CORS_ORIGINS: " https://a.example , http://localhost:5173/" }).GATEWAY_CORS_ORIGINS).toEqual([
      "https://a.example",
      "http://localhost:5173",
    ]);
    for (const bad of ["https://a.example/app", "not a url", "a.example"]) {
      expect(() => loadConfig(spec, { GATEWAY_CORS_ORIGINS: bad })).toThrow(ConfigError);
      expect(() => loadConfig(spec, { GATEWAY_CORS_ORIGINS: bad })).toThrow(/GATEWAY_CORS_ORIGINS/);
    }
  });
});
