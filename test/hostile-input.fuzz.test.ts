import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { newId } from "@wms/db";
import { hostileTokens } from "@wms/testing";
import { startInProcessMesh, type InProcessMesh } from "./support/in-process-mesh.js";
import { createWorld, rpcCatalog, serviceOf, type World } from "./support/rpc-catalog.js";
import { methodOf } from "./support/raw-grpc.js";
import { create, toBinary } from "@bufbuild/protobuf";

// Hostile input at both doors, bounded in count and time (fixed seeds, so a failure replays):
// random and mutated JSON, huge and deeply nested bodies, wrong types, NUL and unicode, int64
// extremes, path tricks, bad content types and forged tokens at the gateway; garbage,
// mutated and oversized protobuf at every gRPC method. Never a 5xx but 503/504, never a crash,
// never a stock change from a refused request.
let mesh: InProcessMesh;
let world: World;
let forged: string[];

beforeAll(async () => {
  // Sweepers idle: a stock change between two digests must come from the request in between.
  mesh = await startInProcessMesh({ label: "fuzz", env: { SWEEP_INTERVAL: "1h", RESERVATION_SWEEP_INTERVAL: "1h" } });
  world = await createWorld(mesh);
  const h = await hostileTokens(mesh.tokens, world.userIds.owner, "seller");
  forged = [h.algNone, h.forgedSignature, h.withoutExp, h.mixedAudience, "x".repeat(9000), "a.b.c", `${world.tokens.owner}x`];
}, 120_000);
afterAll(async () => {
  world?.grpc.close();
  await mesh?.stop();
});

/** Everything that says how much stock exists and is held: a refused request must leave it as it was. */
async function stockDigest(): Promise<string> {
  const [row] = await mesh.sql`
    select (select coalesce(md5(string_agg(l::text, ',' order by l::text)), '') from warehouse.stock_levels l)
      || (select count(*)::text from warehouse.stock_movements)
      || (select coalesce(md5(string_agg(r::text, ',' order by r::text)), '') from warehouse.reservations r) as digest`;
  return String(row?.digest);
}

interface Route {
  method: string;
  /** `{id}` is replaced by an id, a hostile segment, or left as garbage. */
  path: string;
  body?: (w: World) => Record<string, unknown>;
}

const routes: Route[] = [
  { method: "POST", path: "/v1/users:register", body: () => ({ email: `${newId()}@example.com`, password: "long enough" }) },
  { method: "POST", path: "/v1/users:login", body: () => ({ login: "nobody@example.com", password: "x" }) },
  { method: "GET", path: "/v1/users/{id}" },
  { method: "POST", path: "/v1/shops", body: () => ({ name: "n", description: "d" }) },
  { method: "GET", path: "/v1/shops/{id}" },
  { method: "GET", path: "/v1/shops?ownerUserId={id}&pageSize=5" },
  { method: "POST", path: "/v1/shops/{id}/products", body: () => ({ name: "n", priceCents: 5 }) },
  { method: "GET", path: "/v1/products/{id}" },
  { method: "GET", path: "/v1/products?shopId={id}" },
  { method: "POST", path: "/v1/shops/{id}/warehouses", body: () => ({ name: "n", location: "l" }) },
  { method: "GET", path: "/v1/warehouses/{id}" },
  { method: "PATCH", path: "/v1/warehouses/{id}", body: () => ({ name: "n", location: "l" }) },
  { method: "POST", path: "/v1/warehouses/{id}:setStatus", body: () => ({ status: "WAREHOUSE_STATUS_INACTIVE" }) },
  { method: "POST", path: "/v1/warehouses/{id}/stock:add", body: (w) => ({ productId: w.productId, quantity: 1, idempotencyKey: newId() }) },
  { method: "POST", path: "/v1/transfers", body: (w) => ({ fromWarehouseId: w.warehouseIds[0], toWarehouseId: w.warehouseIds[1], productId: w.productId, quantity: 1, idempotencyKey: newId() }) },
  { method: "GET", path: "/v1/products/{id}/stock-levels" },
  { method: "GET", path: "/v1/warehouses/{id}/movements?pageSize=3" },
  { method: "GET", path: "/v1/availability?productIds={id}" },
  { method: "POST", path: "/v1/orders", body: (w) => ({ items: [{ productId: w.productId, quantity: 1 }], idempotencyKey: newId() }) },
  { method: "GET", path: "/v1/orders/{id}" },
  { method: "GET", path: "/v1/orders?pageSize=2" },
  { method: "POST", path: "/v1/orders/{id}:pay", body: () => ({ paymentReference: "ref" }) },
  { method: "POST", path: "/v1/orders/{id}:cancel", body: () => ({}) },
];

const hostileSegments = [
  "..%2F..%2Fv1%2Fusers", "%2e%2e", "..", "%00", "%ZZ", "a%2Fb", "x".repeat(5000), "%F0%9F%92%A3", "'%20or%201=1--", "00000000-0000-0000-0000-000000000000",
  "%E2%80%AE", "%C0%AE", "{id}", "*", "me",
];
const int64Extremes = [2 ** 53, -(2 ** 53), "9223372036854775807", "-9223372036854775808", "18446744073709551616", 1e308, -1, 0, "0x10", " 5 ", "1e3", 1.5, "NaN", "Infinity", null, true, [], {}];
const strings = ["\u0000", "a\u0000b", "\u001b[31m", "\ud800", "\uffff", "💣".repeat(1000), "x".repeat(20_000), "<script>", "' OR 1=1 --", "\u202e", "%00", "${jndi:ldap://x}"];

/** A valid body with one field replaced by something hostile, or a field added. */
const mutatedBody = (base: Record<string, unknown>) =>
  fc.oneof(
    fc.record({ key: fc.constantFrom(...Object.keys(base), "unknownField", "__proto__", "constructor"), value: fc.oneof(fc.constantFrom(...int64Extremes), fc.constantFrom(...strings), fc.jsonValue({ maxDepth: 3 })) })
      .map(({ key, value }) => JSON.stringify({ ...base, [key]: value })),
    fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
    fc.string({ maxLength: 200 }),
    fc.constantFrom("", "{", "[", "null", "{}}", '{"a":1,"a":2}', "\u0000", '{"items":[{"quantity":1e999}]}'),
  );

const contentTypes = ["application/json", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=latin1", undefined];

async function send(method: string, path: string, body: string | undefined, contentType: string | undefined, token: string | undefined) {
  const headers: Record<string, string> = {};
  if (contentType) headers["content-type"] = contentType;
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${mesh.restUrl}${path}`, { method, headers, body: method === "GET" ? undefined : body });
  const text = await res.text();
  return { status: res.status, text };
}

function assertNoServerFault(status: number, context: string): void {
  if (status >= 500) expect([503, 504], `${status} for ${context}`).toContain(status);
}

describe("the gateway under hostile input", () => {
  it("answers every fuzzed request with a 4xx or a success, never a 5xx but 503/504, and refusals change no stock", async () => {
    const arbitrary = fc.constantFrom(...routes).chain((route) =>
      fc.record({
        route: fc.constant(route),
        id: fc.oneof(fc.constantFrom(...hostileSegments), fc.constant("real")),
        contentType: fc.constantFrom(...contentTypes),
        token: fc.oneof(fc.constant(undefined), fc.constantFrom("buyer", "owner", "forged")),
        body: mutatedBody(route.body?.(world) ?? {}),
        forgedIndex: fc.nat(),
      }),
    );
    let requests = 0;
    await fc.assert(
      fc.asyncProperty(arbitrary, async (c) => {
        const id = c.id === "real" ? realIdFor(c.route.path) : c.id;
        const path = c.route.path.replace("{id}", id);
        const token =
          c.token === "buyer" ? world.tokens.buyer : c.token === "owner" ? world.tokens.owner : c.token === "forged" ? forged[c.forgedIndex % forged.length] : undefined;
        const before = await stockDigest();
        const res = await send(c.route.method, path, c.body, c.contentType, token);
        requests += 1;
        const context = `${c.route.method} ${path.slice(0, 80)} ${c.contentType} ${c.body.slice(0, 120)}`;
        assertNoServerFault(res.status, context);
        expect(res.text, context).not.toMatch(/\bat [\w.<>]+ \(|node_modules|select .* from|ECONNREFUSED/i);
        if (res.status >= 400) expect(await stockDigest(), `refused ${context} changed stock`).toBe(before);
      }),
      { numRuns: 250, seed: 20261126, endOnFailure: true },
    );
    expect(requests).toBe(250);
  });

  it("refuses huge, deeply nested and malformed bodies without a 5xx", async () => {
    const deep = (n: number) => `${"[".repeat(n)}${"]".repeat(n)}`;
    const deepObject = (n: number) => `${'{"a":'.repeat(n)}1${"}".repeat(n)}`;
    const cases: Array<[string, string, string]> = [
      ["2 MiB body", "POST /v1/shops", JSON.stringify({ name: "x".repeat(2 * 1024 * 1024) })],
      ["100k nested arrays", "POST /v1/shops", deep(100_000)],
      ["100k nested objects", "POST /v1/shops", deepObject(100_000)],
      ["a nested items list", "POST /v1/orders", JSON.stringify({ items: [{ productId: world.productId, quantity: 1, extra: JSON.parse(deepObject(500)) }] })],
      ["5000 lines", "POST /v1/orders", JSON.stringify({ items: Array.from({ length: 5000 }, () => ({ productId: world.productId, quantity: 1 })), idempotencyKey: "k" })],
      ["invalid UTF-8", "POST /v1/shops", "\u00ff\u00fe"],
      ["a NUL in a key", "POST /v1/shops", '{"na\\u0000me":"x"}'],
    ];
    for (const [name, target, body] of cases) {
      const [method, path] = target.split(" ") as [string, string];
      const before = await stockDigest();
      const res = await send(method, path, body, "application/json", world.tokens.owner).catch((err: Error) => ({ status: 0, text: err.message }));
      expect(res.status, `${name}: ${res.text.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
      expect(res.status, `${name}: ${res.text.slice(0, 200)}`).toBeLessThan(500);
      expect(await stockDigest()).toBe(before);
    }
    // Still serving.
    expect((await send("GET", `/v1/products/${world.productId}`, undefined, undefined, undefined)).status).toBe(200);
  });
});

describe("the gRPC ports under hostile bytes", () => {
  it("answer garbage, mutated and truncated protobuf with INVALID_ARGUMENT or a domain answer, never INTERNAL", async () => {
    const valid = await Promise.all(rpcCatalog.map(async (e) => ({ entry: e, bytes: toBinary(methodOf(e.path).input, create(methodOf(e.path).input, await e.request(world))) })));
    let calls = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...valid),
        fc.oneof(
          fc.uint8Array({ maxLength: 64 }),
          fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }).map((m) => ({ flip: m })),
          fc.nat().map((n) => ({ truncate: n })),
        ),
        fc.constantFrom("owner", "buyer", "service", "none"),
        async ({ entry, bytes }, mutation, who) => {
          let payload: Uint8Array;
          if (mutation instanceof Uint8Array) payload = mutation;
          else if ("flip" in mutation) {
            payload = Uint8Array.from(bytes);
            if (payload.length > 0) payload[mutation.flip.at % payload.length] = mutation.flip.byte;
          } else payload = bytes.slice(0, bytes.length === 0 ? 0 : mutation.truncate % bytes.length);
          const token = who === "none" ? undefined : world.tokens[who];
          const before = await stockDigest();
          const outcome = await world.grpc.call(mesh.grpc[serviceOf(entry.path)], entry.path, payload, { token });
          calls += 1;
          expect(["INTERNAL", "UNKNOWN", "DATA_LOSS"], `${entry.path} ${outcome.code} ${outcome.message}`).not.toContain(outcome.code);
          if (outcome.code !== "OK") expect(await stockDigest()).toBe(before);
        },
      ),
      { numRuns: 300, seed: 20261126, endOnFailure: true },
    );
    expect(calls).toBe(300);
  });

  it("refuses a message over the size limit with RESOURCE_EXHAUSTED and keeps serving", async () => {
    const path = "wms.shop.v1.ShopService/CreateShop";
    const huge = toBinary(methodOf(path).input, create(methodOf(path).input, { name: "x".repeat(5 * 1024 * 1024) }));
    const outcome = await world.grpc.call(mesh.grpc.shop, path, huge, { token: world.tokens.owner });
    expect(outcome.code).toBe("RESOURCE_EXHAUSTED");
    const after = await world.call("wms.shop.v1.ShopService/GetShop", { shopId: world.shopId });
    expect(after.code).toBe("OK");
  });
});

function realIdFor(path: string): string {
  if (path.includes("/users/")) return world.userIds.buyer;
  if (path.includes("/warehouses/") && !path.startsWith("/v1/shops")) return world.warehouseIds[0];
  if (path.includes("/products/") || path.includes("productIds")) return world.productId;
  if (path.includes("/orders/")) return newId();
  if (path.includes("ownerUserId")) return world.userIds.owner;
  return world.shopId;
}
