import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "@wms/db";
import { startInProcessMesh, type InProcessMesh } from "./support/in-process-mesh.js";
import { RawGrpc } from "./support/raw-grpc.js";
import { restClient } from "./support/mesh.js";

// A NUL byte in any text field, an int64 beyond 2^53, a hex or padded number: 400 on REST and
// INVALID_ARGUMENT on gRPC, naming the field, with nothing changed anywhere (every table of
// every service compared before and after). PayOrder refused leaves its reservation HELD.
let mesh: InProcessMesh;
let rest: ReturnType<typeof restClient>;
const grpc = new RawGrpc();
const ids = { shopId: "", warehouseA: "", warehouseB: "", productId: "", orderId: "" };
const tokens = { seller: "", buyer: "", service: "" };

beforeAll(async () => {
  mesh = await startInProcessMesh({ label: "invalid_input" });
  rest = restClient(mesh.restUrl);
  tokens.seller = await mesh.tokens.user(newId(), "seller");
  tokens.buyer = await mesh.tokens.user(newId(), "buyer");
  tokens.service = await mesh.tokens.service("order");
  const ok = async (method: string, path: string, body: unknown, token = tokens.seller) => {
    const res = await rest(method, path, { body, token });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    return res.json as Record<string, Record<string, string>>;
  };
  ids.shopId = (await ok("POST", "/v1/shops", { name: "Hardware", description: "" })).shop!.shopId!;
  ids.warehouseA = (await ok("POST", `/v1/shops/${ids.shopId}/warehouses`, { name: "A", location: "x" })).warehouse!.warehouseId!;
  ids.warehouseB = (await ok("POST", `/v1/shops/${ids.shopId}/warehouses`, { name: "B", location: "y" })).warehouse!.warehouseId!;
  ids.productId = (await ok("POST", `/v1/shops/${ids.shopId}/products`, { name: "Bolt", description: "", priceCents: 25 })).product!.productId!;
  await ok("POST", `/v1/warehouses/${ids.warehouseA}/stock:add`, { productId: ids.productId, quantity: 50, idempotencyKey: "initial" });
  ids.orderId = (await ok("POST", "/v1/orders", { items: [{ productId: ids.productId, quantity: 3 }], idempotencyKey: "first" }, tokens.buyer)).order!.orderId!;
});
afterAll(async () => {
  grpc.close();
  await mesh?.stop();
});

const NUL = "bad\u0000value";
const TOO_BIG = "9007199254740993"; // 2^53 + 1

interface RestCase {
  name: string;
  method: string;
  path: () => string;
  body: () => Record<string, unknown>;
  token: () => string | undefined;
  field: string;
}

const register = (over: Record<string, unknown>) => ({ email: `${newId()}@example.com`, phone: "", password: "long enough", shopName: "S", shopDescription: "", ...over });
const checkoutBody = (over: Record<string, unknown>) => ({ items: [{ productId: ids.productId, quantity: 1 }], idempotencyKey: newId(), ...over });
const seller = () => tokens.seller;
const buyer = () => tokens.buyer;

const restCases: RestCase[] = [
  // The fifteen free-text fields that used to reach PostgreSQL and answer 500.
  { name: "Register email", method: "POST", path: () => "/v1/users:register", body: () => register({ email: `a${NUL}@example.com` }), token: () => undefined, field: "email" },
  { name: "Register password", method: "POST", path: () => "/v1/users:register", body: () => register({ password: `long enough${NUL}` }), token: () => undefined, field: "password" },
  { name: "Register shopName", method: "POST", path: () => "/v1/users:register", body: () => register({ shopName: NUL }), token: () => undefined, field: "shopName" },
  { name: "Register shopDescription", method: "POST", path: () => "/v1/users:register", body: () => register({ shopDescription: NUL }), token: () => undefined, field: "shopDescription" },
  { name: "Login login", method: "POST", path: () => "/v1/users:login", body: () => ({ login: NUL, password: "123456" }), token: () => undefined, field: "login" },
  { name: "CreateShop name", method: "POST", path: () => "/v1/shops", body: () => ({ name: NUL, description: "" }), token: seller, field: "name" },
  { name: "CreateShop description", method: "POST", path: () => "/v1/shops", body: () => ({ name: "n", description: NUL }), token: seller, field: "description" },
  { name: "CreateProduct name", method: "POST", path: () => `/v1/shops/${ids.shopId}/products`, body: () => ({ name: NUL, priceCents: 1 }), token: seller, field: "name" },
  { name: "CreateProduct description", method: "POST", path: () => `/v1/shops/${ids.shopId}/products`, body: () => ({ name: "n", description: NUL, priceCents: 1 }), token: seller, field: "description" },
  { name: "CreateWarehouse name", method: "POST", path: () => `/v1/shops/${ids.shopId}/warehouses`, body: () => ({ name: NUL, location: "x" }), token: seller, field: "name" },
  { name: "UpdateWarehouse location", method: "PATCH", path: () => `/v1/warehouses/${ids.warehouseB}`, body: () => ({ name: "B", location: NUL }), token: seller, field: "location" },
  { name: "AddStock idempotencyKey", method: "POST", path: () => `/v1/warehouses/${ids.warehouseA}/stock:add`, body: () => ({ productId: ids.productId, quantity: 1, idempotencyKey: NUL }), token: seller, field: "idempotencyKey" },
  { name: "TransferStock idempotencyKey", method: "POST", path: () => "/v1/transfers", body: () => ({ fromWarehouseId: ids.warehouseA, toWarehouseId: ids.warehouseB, productId: ids.productId, quantity: 1, idempotencyKey: NUL }), token: seller, field: "idempotencyKey" },
  { name: "Checkout idempotencyKey", method: "POST", path: () => "/v1/orders", body: () => checkoutBody({ idempotencyKey: NUL }), token: buyer, field: "idempotencyKey" },
  { name: "Checkout items[0].productId", method: "POST", path: () => "/v1/orders", body: () => checkoutBody({ items: [{ productId: `${ids.productId}${NUL}`, quantity: 1 }] }), token: buyer, field: "items[0].productId" },
  { name: "PayOrder paymentReference", method: "POST", path: () => `/v1/orders/${ids.orderId}:pay`, body: () => ({ paymentReference: NUL }), token: buyer, field: "paymentReference" },
  // int64 beyond 2^53, as a JSON number (already rounded by any JSON parser) and as a string.
  { name: "AddStock quantity 2^53+1 as a number", method: "POST", path: () => `/v1/warehouses/${ids.warehouseA}/stock:add`, body: () => ({ productId: ids.productId, quantity: 9007199254740993, idempotencyKey: newId() }), token: seller, field: "quantity" },
  { name: "AddStock quantity 2^53+1 as a string", method: "POST", path: () => `/v1/warehouses/${ids.warehouseA}/stock:add`, body: () => ({ productId: ids.productId, quantity: TOO_BIG, idempotencyKey: newId() }), token: seller, field: "quantity" },
  { name: "CreateProduct priceCents 2^63-1", method: "POST", path: () => `/v1/shops/${ids.shopId}/products`, body: () => ({ name: "n", priceCents: "9223372036854775807" }), token: seller, field: "priceCents" },
  { name: "Checkout quantity -2^53-1", method: "POST", path: () => "/v1/orders", body: () => checkoutBody({ items: [{ productId: ids.productId, quantity: `-${TOO_BIG}` }] }), token: buyer, field: "items[0].quantity" },
  { name: "TransferStock quantity 2^53+1", method: "POST", path: () => "/v1/transfers", body: () => ({ fromWarehouseId: ids.warehouseA, toWarehouseId: ids.warehouseB, productId: ids.productId, quantity: TOO_BIG, idempotencyKey: newId() }), token: seller, field: "quantity" },
  // Numbers that are not plain decimal.
  { name: "AddStock quantity 0x10", method: "POST", path: () => `/v1/warehouses/${ids.warehouseA}/stock:add`, body: () => ({ productId: ids.productId, quantity: "0x10", idempotencyKey: newId() }), token: seller, field: "quantity" },
  { name: "Checkout quantity 0x10", method: "POST", path: () => "/v1/orders", body: () => checkoutBody({ items: [{ productId: ids.productId, quantity: "0x10" }] }), token: buyer, field: "items[0].quantity" },
  { name: "TransferStock quantity ' 5 '", method: "POST", path: () => "/v1/transfers", body: () => ({ fromWarehouseId: ids.warehouseA, toWarehouseId: ids.warehouseB, productId: ids.productId, quantity: " 5 ", idempotencyKey: newId() }), token: seller, field: "quantity" },
  { name: "CreateProduct priceCents 1e2 as a string", method: "POST", path: () => `/v1/shops/${ids.shopId}/products`, body: () => ({ name: "n", priceCents: "1e2" }), token: seller, field: "priceCents" },
];

function fieldsOf(json: Record<string, unknown>): string[] {
  const details = (json.details ?? []) as Array<{ "@type": string; fieldViolations?: Array<{ field: string }> }>;
  return details.filter((d) => d["@type"].endsWith("google.rpc.BadRequest")).flatMap((d) => (d.fieldViolations ?? []).map((v) => v.field));
}

async function reservationStatus(): Promise<string> {
  const [row] = await mesh.sql`select status from warehouse.reservations where reservation_id = ${ids.orderId}`;
  return String(row?.status);
}

describe("REST", () => {
  it("the snapshot sees an accepted write (else 'nothing changed' would prove nothing)", async () => {
    const before = await mesh.snapshot();
    const res = await rest("POST", `/v1/warehouses/${ids.warehouseB}/stock:add`, { body: { productId: ids.productId, quantity: "1", idempotencyKey: newId() }, token: tokens.seller });
    expect(res.status).toBe(200);
    expect(await mesh.snapshot()).not.toEqual(before);
  });

  it.each(restCases)("$name → 400 naming the field, nothing changed", async (c) => {
    const before = await mesh.snapshot();
    const res = await rest(c.method, c.path(), { body: c.body(), token: c.token() });
    expect(res.status, JSON.stringify(res.json)).toBe(400);
    expect(res.json.code).toBe(3);
    expect(fieldsOf(res.json)).toContain(c.field);
    expect(await mesh.snapshot()).toEqual(before);
  });

  it("a NUL in a path or query parameter is 400 too", async () => {
    const before = await mesh.snapshot();
    for (const path of [`/v1/orders/${ids.orderId}%00:pay`, `/v1/products/%00`, `/v1/shops?ownerUserId=%00`, `/v1/availability?productIds=%00`]) {
      const res = await rest(path.includes(":pay") ? "POST" : "GET", path, { token: tokens.buyer, body: path.includes(":pay") ? { paymentReference: "r" } : undefined });
      expect(res.status, path).toBe(400);
    }
    expect(await mesh.snapshot()).toEqual(before);
  });
});

interface GrpcCase {
  name: string;
  path: string;
  request: () => Record<string, unknown>;
  token: () => string | undefined;
  field: string;
}

const grpcCases: GrpcCase[] = [
  { name: "Register shop_name NUL", path: "wms.user.v1.UserService/Register", request: () => register({ shopName: NUL }), token: () => undefined, field: "shop_name" },
  { name: "Login login NUL", path: "wms.user.v1.UserService/Login", request: () => ({ login: NUL, password: "123456" }), token: () => undefined, field: "login" },
  { name: "CreateShop name NUL", path: "wms.shop.v1.ShopService/CreateShop", request: () => ({ name: NUL }), token: seller, field: "name" },
  { name: "CreateProduct price_cents 2^53", path: "wms.product.v1.ProductService/CreateProduct", request: () => ({ shopId: ids.shopId, name: "n", priceCents: 2n ** 53n }), token: seller, field: "price_cents" },
  { name: "CreateWarehouse location NUL", path: "wms.warehouse.v1.WarehouseService/CreateWarehouse", request: () => ({ shopId: ids.shopId, name: "n", location: NUL }), token: seller, field: "location" },
  { name: "AddStock quantity 2^63-1", path: "wms.warehouse.v1.WarehouseService/AddStock", request: () => ({ warehouseId: ids.warehouseA, productId: ids.productId, quantity: 2n ** 63n - 1n, idempotencyKey: newId() }), token: seller, field: "quantity" },
  { name: "AddStock idempotency_key NUL", path: "wms.warehouse.v1.WarehouseService/AddStock", request: () => ({ warehouseId: ids.warehouseA, productId: ids.productId, quantity: 1n, idempotencyKey: NUL }), token: seller, field: "idempotency_key" },
  { name: "TransferStock quantity -2^63", path: "wms.warehouse.v1.WarehouseService/TransferStock", request: () => ({ fromWarehouseId: ids.warehouseA, toWarehouseId: ids.warehouseB, productId: ids.productId, quantity: -(2n ** 63n), idempotencyKey: newId() }), token: seller, field: "quantity" },
  { name: "ReserveStock lines[0].quantity 2^53 (service credential)", path: "wms.warehouse.v1.WarehouseService/ReserveStock", request: () => ({ reservationId: newId(), lines: [{ productId: ids.productId, quantity: 2n ** 53n }] }), token: () => tokens.service, field: "lines[0].quantity" },
  { name: "Checkout items[0].quantity 2^53+1", path: "wms.order.v1.OrderService/Checkout", request: () => ({ items: [{ productId: ids.productId, quantity: 2n ** 53n + 1n }], idempotencyKey: newId() }), token: buyer, field: "items[0].quantity" },
  { name: "Checkout idempotency_key NUL", path: "wms.order.v1.OrderService/Checkout", request: () => ({ items: [{ productId: ids.productId, quantity: 1n }], idempotencyKey: NUL }), token: buyer, field: "idempotency_key" },
  { name: "PayOrder payment_reference NUL", path: "wms.order.v1.OrderService/PayOrder", request: () => ({ orderId: ids.orderId, paymentReference: NUL }), token: buyer, field: "payment_reference" },
];

describe("gRPC", () => {
  it.each(grpcCases)("$name → INVALID_ARGUMENT naming the field, nothing changed", async (c) => {
    const address = mesh.grpc[c.path.split(".")[1] as keyof InProcessMesh["grpc"]];
    const before = await mesh.snapshot();
    const outcome = await grpc.call(address, c.path, c.request(), { token: c.token() });
    expect(outcome.code, outcome.message).toBe("INVALID_ARGUMENT");
    expect(outcome.fields).toContain(c.field);
    expect(await mesh.snapshot()).toEqual(before);
  });

  it("an int64 beyond 2^53 is INVALID_ARGUMENT even without a token, never INTERNAL", async () => {
    const outcome = await grpc.call(mesh.grpc.warehouse, "wms.warehouse.v1.WarehouseService/AddStock", { quantity: 2n ** 60n });
    expect([outcome.code, outcome.fields]).toEqual(["INVALID_ARGUMENT", ["quantity"]]);
  });
});

describe("PayOrder refused", () => {
  it("leaves the reservation HELD and the order payable", async () => {
    const badReferences = [NUL, "x".repeat(201), "ref\u001b[31m"];
    for (const paymentReference of badReferences) {
      const viaRest = await rest("POST", `/v1/orders/${ids.orderId}:pay`, { body: { paymentReference }, token: tokens.buyer });
      expect(viaRest.status).toBe(400);
      const viaGrpc = await grpc.call(mesh.grpc.order, "wms.order.v1.OrderService/PayOrder", { orderId: ids.orderId, paymentReference }, { token: tokens.buyer });
      expect(viaGrpc.code).toBe("INVALID_ARGUMENT");
      expect(await reservationStatus()).toBe("HELD");
    }
    const order = await rest("GET", `/v1/orders/${ids.orderId}`, { token: tokens.buyer });
    expect((order.json.order as { status: string }).status).toBe("ORDER_STATUS_PENDING_PAYMENT");
    // The same order pays with a good reference: the refusals left it exactly as it was.
    const paid = await rest("POST", `/v1/orders/${ids.orderId}:pay`, { body: { paymentReference: "pay-ok-1" }, token: tokens.buyer });
    expect(paid.status, JSON.stringify(paid.json)).toBe(200);
    expect(await reservationStatus()).toBe("COMMITTED");
  });
});
