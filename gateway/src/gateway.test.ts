import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Server, ServerCredentials, type sendUnaryData, type ServerUnaryCall } from "@grpc/grpc-js";
import { newId } from "@wms/db";
import { createLogger } from "@wms/logging";
import { WarehouseServiceService, type GetAvailabilityRequest, type GetAvailabilityResponse } from "@wms/proto/warehouse";
import { serviceNames } from "@wms/proto/services";
import { shopService } from "@wms/shop-service";
import { testServices } from "@wms/testing";
import { startGateway } from "./index.js";

const services = testServices("gateway");
const tokens = services.tokens;
const MAX_BODY = 16 * 1024;
let warehouse: { server: Server; address: string };
let gateway: Awaited<ReturnType<typeof startGateway>>;

/**
 * The warehouse upstream is a bare grpc-js server with only GetAvailability, echoing the ids it
 * received: it shows what the gateway decoded from the query string, and every other method
 * answers UNIMPLEMENTED as a service without details would.
 */
async function startAvailabilityEcho(): Promise<{ server: Server; address: string }> {
  const server = new Server();
  server.addService(WarehouseServiceService, {
    getAvailability: (call: ServerUnaryCall<GetAvailabilityRequest, GetAvailabilityResponse>, callback: sendUnaryData<GetAvailabilityResponse>) => {
      const auth = call.metadata.get("authorization")[0];
      const items = call.request.productIds.map((productId, i) => ({ productId, availableQuantity: 1000 + i }));
      if (auth !== undefined) items.push({ productId: `auth=${String(auth)}`, availableQuantity: 0 });
      callback(null, { items });
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return { server, address: `127.0.0.1:${port}` };
}

beforeAll(async () => {
  const shop = await services.start(shopService);
  warehouse = await startAvailabilityEcho();
  gateway = await startGateway({
    host: "127.0.0.1",
    port: 0,
    // Port 1 refuses connections: every service but shop and warehouse is "down".
    upstreams: { ...Object.fromEntries(serviceNames.map((name) => [name, "127.0.0.1:1"])), shop: shop.address, warehouse: warehouse.address } as Record<(typeof serviceNames)[number], string>,
    maxBodyBytes: MAX_BODY,
    logger: createLogger("gateway-test", "silent"),
  });
});
afterAll(async () => {
  await gateway?.close();
  warehouse?.server.forceShutdown();
  await services.stop();
});

interface StatusBody {
  code: number;
  message: string;
  details: Array<Record<string, unknown> & { "@type": string }>;
}

async function call(method: string, path: string, init: { token?: string; body?: string; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${gateway.url}${path}`, { method, headers, body: init.body });
  return { status: res.status, headers: res.headers, json: (await res.json()) as Record<string, unknown> };
}

function statusOf(json: Record<string, unknown>): StatusBody {
  expect(Object.keys(json).sort()).toEqual(["code", "details", "message"]);
  return json as unknown as StatusBody;
}

describe("gateway over the shop service", () => {
  const seller = newId();

  it("creates a shop from a JSON body and reads it back by path and by query", async () => {
    const token = await tokens.user(seller, "seller");
    const created = await call("POST", "/v1/shops", { token, body: JSON.stringify({ name: "Corner", description: "first" }) });
    expect(created.status).toBe(200);
    expect(created.headers.get("content-type")).toBe("application/json");
    const shopJson = created.json.shop as Record<string, unknown>;
    expect(shopJson).toMatchObject({ ownerUserId: seller, name: "Corner", description: "first" });
    expect(typeof shopJson.shopId).toBe("string");
    expect(shopJson.createTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);

    const got = await call("GET", `/v1/shops/${encodeURIComponent(String(shopJson.shopId))}`);
    expect(got).toMatchObject({ status: 200, json: { shop: shopJson } });

    await call("POST", "/v1/shops", { token, body: JSON.stringify({ name: "Second" }) });
    const first = await call("GET", `/v1/shops?ownerUserId=${seller}&pageSize=1`);
    expect(first.status).toBe(200);
    expect((first.json.shops as Array<{ name: string }>).map((s) => s.name)).toEqual(["Corner"]);
    expect(first.json.nextPageToken).not.toBe("");
    const second = await call("GET", `/v1/shops?owner_user_id=${seller}&page_size=1&pageToken=${encodeURIComponent(String(first.json.nextPageToken))}`);
    expect((second.json.shops as Array<{ name: string }>).map((s) => s.name)).toEqual(["Second"]);
    // alwaysEmitImplicit: the last page says so explicitly.
    expect(second.json.nextPageToken).toBe("");
  });

  it("turns a missing token into 401 with the ErrorInfo reason", async () => {
    const res = await call("POST", "/v1/shops", { body: JSON.stringify({ name: "x" }) });
    expect(res.status).toBe(401);
    const status = statusOf(res.json);
    expect(status.code).toBe(16);
    expect(status.details).toContainEqual(expect.objectContaining({ "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "ACCESS_TOKEN_MISSING", domain: "wms.shop.v1" }));
  });

  it("turns invalid input into 400 with BadRequest field violations, each with a reason", async () => {
    const res = await call("POST", "/v1/shops", { token: await tokens.user(seller, "seller"), body: JSON.stringify({ name: " " }) });
    expect(res.status).toBe(400);
    const status = statusOf(res.json);
    expect(status.code).toBe(3);
    expect(status.details).toContainEqual({
      "@type": "type.googleapis.com/google.rpc.BadRequest",
      fieldViolations: [{ field: "name", reason: "REQUIRED", description: "must not be empty" }],
    });
    expect(status.details).toContainEqual(expect.objectContaining({ reason: "INVALID_FIELDS", domain: "wms.shop.v1", metadata: { fields: "name" } }));
  });

  it("names a service's field violations by the request's JSON names on REST", async () => {
    // The shop service says `owner_user_id` (gRPC keeps proto names); the REST client sent ownerUserId.
    const res = await call("GET", "/v1/shops?ownerUserId=not-an-id");
    expect(res.status).toBe(400);
    const status = statusOf(res.json);
    expect(status.details).toContainEqual({
      "@type": "type.googleapis.com/google.rpc.BadRequest",
      fieldViolations: [{ field: "ownerUserId", reason: "INVALID_FORMAT", description: "must be a user id" }],
    });
    expect(status.details).toContainEqual(expect.objectContaining({ reason: "INVALID_FIELDS", metadata: { fields: "ownerUserId" } }));
    expect(JSON.stringify(status)).not.toContain("owner_user_id");
  });

  it("maps the shop's NOT_FOUND and PERMISSION_DENIED to 404 and 403", async () => {
    const missing = await call("GET", `/v1/shops/${newId()}`);
    expect(missing.status).toBe(404);
    expect(statusOf(missing.json).details).toContainEqual(expect.objectContaining({ reason: "SHOP_NOT_FOUND" }));
    const buyer = await call("POST", "/v1/shops", { token: await tokens.user(newId(), "buyer"), body: "{}" });
    expect(buyer.status).toBe(403);
    expect(statusOf(buyer.json).code).toBe(7);
  });
});

describe("gateway's own answers", () => {
  it("refuses malformed JSON and a value of the wrong type with 400, naming the JSON field and no proto type", async () => {
    const token = await tokens.user(newId(), "seller");
    const malformed = await call("POST", "/v1/shops", { token, body: '{"name": ' });
    expect([malformed.status, statusOf(malformed.json).code]).toEqual([400, 3]);
    expect(statusOf(malformed.json).details).toContainEqual(expect.objectContaining({ reason: "MALFORMED_JSON", domain: "wms.gateway" }));

    const wrongType = await call("POST", "/v1/shops", { token, body: '{"name":"x","description":7}' });
    expect(wrongType.status).toBe(400);
    const status = statusOf(wrongType.json);
    expect(status.details).toContainEqual({
      "@type": "type.googleapis.com/google.rpc.BadRequest",
      fieldViolations: [{ field: "description", reason: "INVALID_FORMAT", description: "must be a string" }],
    });
    expect(status.details).toContainEqual(expect.objectContaining({ reason: "INVALID_FIELDS", domain: "wms.gateway", metadata: { fields: "description" } }));
    expect(JSON.stringify(status)).not.toMatch(/wms\.shop\.v1\.|CreateShopRequest/);
  });

  it("discards unknown JSON fields and ignores unknown query parameters, as grpc-gateway v2 does", async () => {
    const token = await tokens.user(newId(), "seller");
    const created = await call("POST", "/v1/shops?color=red", { token, body: '{"name":"Tolerant","colour":"red"}' });
    expect(created.status).toBe(200);
    expect((created.json.shop as Record<string, unknown>).name).toBe("Tolerant");
    const listed = await call("GET", "/v1/shops?owner=me&pageSize=1");
    expect(listed.status).toBe(200);
    expect((listed.json.shops as unknown[]).length).toBe(1);
  });

  it("answers 404 for unknown routes and 405 for a known path with another method, with reasons", async () => {
    const unknown = await call("GET", "/v1/nowhere");
    expect([unknown.status, statusOf(unknown.json).code]).toEqual([404, 5]);
    expect(statusOf(unknown.json).details).toContainEqual(
      expect.objectContaining({ reason: "ROUTE_NOT_FOUND", domain: "wms.gateway", metadata: { httpMethod: "GET", path: "/v1/nowhere" } }),
    );
    const wrongMethod = await call("DELETE", "/v1/shops");
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toBe("GET, POST");
    expect(statusOf(wrongMethod.json).details).toContainEqual(expect.objectContaining({ reason: "METHOD_NOT_ALLOWED", metadata: expect.objectContaining({ allowedMethods: "GET, POST" }) }));
  });

  it("has no route to an RPC without an annotation", async () => {
    for (const path of ["/wms.product.v1.ProductService/BatchGetProducts", "/v1/products:batchGet", "/v1/products:BatchGetProducts"]) {
      const res = await call("POST", path, { body: JSON.stringify({ productIds: ["p"] }) });
      expect([path, res.status]).toEqual([path, 404]);
    }
  });

  it("refuses a body over the limit with 413, declared or streamed", async () => {
    const token = await tokens.user(newId(), "seller");
    const big = JSON.stringify({ name: "x", description: "d".repeat(MAX_BODY) });
    const declared = await call("POST", "/v1/shops", { token, body: big });
    expect([declared.status, statusOf(declared.json).code]).toEqual([413, 8]);
    expect(statusOf(declared.json).details).toContainEqual(expect.objectContaining({ reason: "BODY_TOO_LARGE", metadata: { limitBytes: String(MAX_BODY) } }));

    const bytes = new TextEncoder().encode(big);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 1024) controller.enqueue(bytes.subarray(i, i + 1024));
        controller.close();
      },
    });
    const streamed = await fetch(`${gateway.url}/v1/shops`, { method: "POST", body: stream, duplex: "half" } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(statusOf((await streamed.json()) as Record<string, unknown>).code).toBe(8);

    // Whitespace pads the body to just under the limit without tripping the shop's own field limits.
    const justUnder = await call("POST", "/v1/shops", { token, body: `{"name":"x"${" ".repeat(MAX_BODY - 20)}}` });
    expect(justUnder.status).toBe(200);
  });

  it("answers 503 without internal addresses when a service is down", async () => {
    const res = await call("GET", "/v1/products/p1");
    expect(res.status).toBe(503);
    const status = statusOf(res.json);
    expect(status).toEqual({
      code: 14,
      message: "wms.product.v1.ProductService could not be reached; try again",
      details: [
        {
          "@type": "type.googleapis.com/google.rpc.ErrorInfo",
          reason: "SERVICE_UNREACHABLE",
          domain: "wms.gateway",
          metadata: { service: "wms.product.v1.ProductService" },
        },
      ],
    });
    expect(JSON.stringify(status)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|:1\b/);
  });

  it("answers 501 for an RPC the upstream does not implement", async () => {
    const res = await call("GET", "/v1/warehouses/w1");
    expect([res.status, statusOf(res.json).code]).toEqual([501, 12]);
  });

  it("passes repeated query parameters and the Authorization header through, int64 out as strings", async () => {
    const res = await call("GET", "/v1/availability?productIds=a&productIds=b&product_ids=c", { headers: { authorization: "Bearer xyz" } });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      items: [
        { productId: "a", availableQuantity: "1000" },
        { productId: "b", availableQuantity: "1001" },
        { productId: "c", availableQuantity: "1002" },
        { productId: "auth=Bearer xyz", availableQuantity: "0" },
      ],
    });
  });
});
