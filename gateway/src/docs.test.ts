import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "@wms/logging";
import { openApiDocumentText } from "@wms/proto/openapi";
import { freePort } from "@wms/testing";
import { startGateway, type RunningGateway } from "./index.js";

let gateway: RunningGateway;

beforeAll(async () => {
  // The document and the page never reach an upstream.
  const nowhere = `127.0.0.1:${await freePort()}`;
  const upstreams = { user: nowhere, shop: nowhere, product: nowhere, warehouse: nowhere, order: nowhere };
  gateway = await startGateway({ host: "127.0.0.1", port: 0, upstreams, logger: createLogger("test", "silent") });
});
afterAll(async () => {
  await gateway?.close();
});

describe("the API document and reference page on the gateway", () => {
  it("serves the generated OpenAPI document at /openapi.json", async () => {
    const res = await fetch(`${gateway.url}/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    const text = await res.text();
    expect(text).toBe(openApiDocumentText());
    expect((JSON.parse(text) as { openapi: string }).openapi).toBe("3.1.0");
  });

  it("serves /docs from its own origin only, with the Swagger UI files of the npm package", async () => {
    const page = await fetch(`${gateway.url}/docs`);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(page.headers.get("content-security-policy")).toContain("default-src 'self'");
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="(\/[^"]+)"/g)].map((m) => m[1]!);
    expect(assets).toEqual(["/docs/swagger-ui.css", "/docs/swagger-ui-bundle.js", "/docs/init.js"]);
    for (const asset of assets) {
      const res = await fetch(`${gateway.url}${asset}`);
      expect([asset, res.status]).toEqual([asset, 200]);
      expect(res.headers.get("content-type")).toMatch(asset.endsWith(".css") ? /^text\/css/ : /^text\/javascript/);
      expect((await res.text()).length).toBeGreaterThan(100);
    }
    expect(await (await fetch(`${gateway.url}/docs/init.js`)).text()).toContain('url: "/openapi.json"');
  });

  it("serves only the files the page loads: any other file of the package is a 404 Status", async () => {
    for (const path of ["/docs/index.html", "/docs/package.json", "/docs/swagger-ui-bundle.js.map"]) {
      const res = await fetch(`${gateway.url}${path}`);
      expect([path, res.status]).toEqual([path, 404]);
      expect(await res.json()).toMatchObject({ code: 5 });
    }
    expect((await fetch(`${gateway.url}/openapi.json`, { method: "DELETE" })).status).toBe(405);
  });
});
