import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { createWmsClient, errorInfo, errorReason, fieldViolations } from "@wms/client";
import { freePort } from "@wms/testing";
import { startMesh, type Mesh } from "../support/mesh.js";
import { launchChromium, serveBrowserApp } from "../support/browser.js";
import type { LoginOutcome } from "../support/browser-app.js";

// What an external developer uses: the typed client generated from the OpenAPI document, the
// reference page at /docs, and a browser app on another origin calling through CORS.
describe("REST clients of the mesh", () => {
  let mesh: Mesh;
  let browser: Browser;
  let allowedApp: Awaited<ReturnType<typeof serveBrowserApp>>;
  let otherApp: Awaited<ReturnType<typeof serveBrowserApp>>;

  beforeAll(async () => {
    const allowedPort = await freePort();
    [mesh, browser, allowedApp, otherApp] = await Promise.all([
      startMesh({ GATEWAY_CORS_ORIGINS: `http://127.0.0.1:${allowedPort}` }),
      launchChromium(),
      serveBrowserApp(allowedPort),
      serveBrowserApp(0),
    ]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await Promise.all([allowedApp?.close(), otherApp?.close()]);
    await mesh?.stop();
  });

  describe("the typed client @wms/client", () => {
    it("runs the buyer flow: login, list products, checkout, pay", async () => {
      const anonymous = createWmsClient({ baseUrl: mesh.restUrl });
      const login = await anonymous.POST("/v1/users:login", { body: { login: "dmp.buyer@domain.com", password: "123456" } });
      expect(login.response.status).toBe(200);
      const token = login.data!.accessToken;
      expect(login.data!.user?.role).toBe("ROLE_BUYER");

      const buyer = createWmsClient({ baseUrl: mesh.restUrl, token });
      const listed = await buyer.GET("/v1/products", { params: { query: { pageSize: 100 } } });
      const headphones = listed.data!.products.find((p) => p.name === "Wireless Headphones")!;
      expect(headphones.availableQuantity).toBe("275"); // int64 as a string, typed so

      const checkout = await buyer.POST("/v1/orders", {
        body: { items: [{ productId: headphones.productId, quantity: "2" }], idempotencyKey: "typed-client-1" },
      });
      const order = checkout.data!.order!;
      expect(order).toMatchObject({ status: "ORDER_STATUS_PENDING_PAYMENT", totalCents: "39998" });
      expect(order.items[0]?.allocations.length).toBeGreaterThan(0);

      const paid = await buyer.POST("/v1/orders/{orderId}:pay", { params: { path: { orderId: order.orderId } }, body: { paymentReference: "psp-typed-1" } });
      expect(paid.data!.order?.status).toBe("ORDER_STATUS_PAID");
      const fetched = await buyer.GET("/v1/orders/{orderId}", { params: { path: { orderId: order.orderId } } });
      expect(fetched.data!.order?.payTime).toMatch(/^\d{4}-\d\d-\d\dT/);

      const again = await buyer.POST("/v1/orders/{orderId}:pay", { params: { path: { orderId: order.orderId } }, body: {} });
      expect(again.data).toBeUndefined();
      expect([again.response.status, again.error?.code, errorReason(again.error)]).toEqual([400, 9, "ORDER_NOT_PENDING"]);
      expect(errorInfo(again.error)?.domain).toBe("wms.order.v1");
    });

    it("returns errors as a typed google.rpc.Status: reasons, field violations, 401 without a token", async () => {
      const token = (await createWmsClient({ baseUrl: mesh.restUrl }).POST("/v1/users:login", { body: { login: "080000000003", password: "123456" } })).data!.accessToken;
      const buyer = createWmsClient({ baseUrl: mesh.restUrl, token: () => token });
      const { data: catalog } = await buyer.GET("/v1/products", { params: { query: { pageSize: 100 } } });
      const blender = catalog!.products.find((p) => p.name === "Kitchen Blender")!;

      const tooMany = await buyer.POST("/v1/orders", { body: { items: [{ productId: blender.productId, quantity: "9000" }] } });
      expect([tooMany.response.status, errorReason(tooMany.error)]).toEqual([400, "INSUFFICIENT_STOCK"]);

      const invalid = await buyer.POST("/v1/orders", { body: { items: [{ productId: blender.productId, quantity: "0" }] } });
      expect(invalid.error?.code).toBe(3);
      expect(fieldViolations(invalid.error).map((v) => v.field)).toContain("items[0].quantity");

      const anonymous = await createWmsClient({ baseUrl: mesh.restUrl }).POST("/v1/orders", { body: { items: [{ productId: blender.productId, quantity: "1" }] } });
      expect([anonymous.response.status, anonymous.error?.code]).toEqual([401, 16]);
    });
  });

  describe("in a browser", () => {
    it("renders the API reference at /docs from /openapi.json, loading nothing from elsewhere", async () => {
      const page = await browser.newPage();
      const foreign: string[] = [];
      const failures: string[] = [];
      page.on("request", (req) => {
        if (!req.url().startsWith(`${mesh.restUrl}/`) && !req.url().startsWith("data:")) foreign.push(req.url());
      });
      page.on("pageerror", (err) => failures.push(err.message));
      page.on("console", (msg) => {
        if (msg.type() === "error") failures.push(msg.text());
      });
      try {
        await page.goto(`${mesh.restUrl}/docs`);
        const checkout = page.locator(".opblock", { hasText: "OrderService_Checkout" });
        await checkout.waitFor({ timeout: 30_000 });
        expect(await checkout.locator(".opblock-summary-path").first().innerText()).toContain("/v1/orders");
        await expect.poll(() => page.locator(".opblock").count()).toBeGreaterThanOrEqual(24);
        expect(foreign).toEqual([]);
        expect(failures).toEqual([]);
      } finally {
        await page.close();
      }
    });

    it("lets a page on an allowed origin log in through CORS, and the browser refuses another origin", async () => {
      const page = await browser.newPage();
      const login = (origin: string) =>
        page.goto(`${origin}/`).then(() =>
          page.evaluate(
            ([url]) =>
              (globalThis as unknown as { loginThroughGateway(u: string, l: string, p: string): Promise<LoginOutcome> }).loginThroughGateway(
                url!,
                "dmp.buyer@domain.com",
                "123456",
              ),
            [mesh.restUrl],
          ),
        );
      try {
        await page.goto(`${allowedApp.origin}/`);
        await page.waitForFunction(() => "loginThroughGateway" in globalThis);
        expect(await login(allowedApp.origin)).toEqual({ status: 200, role: "ROLE_BUYER", gotToken: true });
        await page.goto(`${otherApp.origin}/`);
        await page.waitForFunction(() => "loginThroughGateway" in globalThis);
        expect(await login(otherApp.origin)).toEqual({ refused: "TypeError" });
      } finally {
        await page.close();
      }
    });
  });
});
