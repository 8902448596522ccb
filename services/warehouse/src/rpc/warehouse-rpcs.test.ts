import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromTimestamp, toTimestamp, type PromiseClient } from "@wms/grpc";
import { newId } from "@wms/db";
import { ShopServiceService } from "@wms/proto/shop";
import { ProductServiceService } from "@wms/proto/product";
import { ReservationStatus, StockMovementKind, WarehouseServiceService, WarehouseStatus } from "@wms/proto/warehouse";
import { shopService } from "@wms/shop-service";
import { createSellerWithShop } from "@wms/shop-service/testing";
import { productService } from "@wms/product-service";
import { freePort, rejection, testServices, TEST_REDIS_URL } from "@wms/testing";
import { warehouseService } from "../module.js";

// The warehouse service over real gRPC, with the real shop and product services it asks
// about ownership, all on one test database (each in its own schema).
const services = testServices("wh_rpc");
const { tokens } = services;
let shops: PromiseClient<typeof ShopServiceService>;
let products: PromiseClient<typeof ProductServiceService>;
let client: PromiseClient<typeof WarehouseServiceService>;

beforeAll(async () => {
  const shop = await services.start(shopService);
  // The product and warehouse services call each other: the product's port is chosen first.
  const productPort = await freePort();
  const warehouse = await services.start(warehouseService, {
    SHOP_SERVICE_ADDR: shop.address,
    PRODUCT_SERVICE_ADDR: `127.0.0.1:${productPort}`,
    REDIS_URLS: TEST_REDIS_URL,
    RESERVATION_SWEEP_INTERVAL: "100ms",
  });
  await services.start(productService, { PORT: String(productPort), SHOP_SERVICE_ADDR: shop.address, WAREHOUSE_SERVICE_ADDR: warehouse.address });
  shops = services.client(ShopServiceService, shop.address);
  products = services.client(ProductServiceService, `127.0.0.1:${productPort}`);
  client = services.client(WarehouseServiceService, warehouse.address);
});
afterAll(() => services.stop());

/** A seller with a shop, a product and two warehouses (stock as given), made through the services. */
async function sellerWorld(stock: [number, number]) {
  const { sellerId, token: bearerToken, shopId } = await createSellerWithShop(shops, tokens, "Shop");
  const { product } = await products.createProduct({ shopId, name: "Widget", description: "", priceCents: 100 }, { bearerToken });
  const warehouseIds: string[] = [];
  for (const [i, units] of stock.entries()) {
    const { warehouse } = await client.createWarehouse({ shopId, name: `W${i}`, location: "Here" }, { bearerToken });
    warehouseIds.push(warehouse!.warehouseId);
    if (units > 0) {
      await client.addStock({ warehouseId: warehouse!.warehouseId, productId: product!.productId, quantity: units, idempotencyKey: `seed-${i}` }, { bearerToken });
    }
  }
  return { sellerId, bearerToken, shopId, productId: product!.productId, warehouseIds };
}

describe("WarehouseService over gRPC", () => {
  it("lets a seller manage warehouses and stock, and anyone read availability", async () => {
    const w = await sellerWorld([8, 4]);
    const auth = { bearerToken: w.bearerToken };
    const [a, b] = w.warehouseIds as [string, string];
    const { levels } = await client.listStockLevels({ productId: w.productId }, auth);
    expect(levels.map((l) => [l.warehouseId, l.onHand, l.reserved, l.available, l.warehouseStatus])).toEqual([
      [a, 8, 0, 8, WarehouseStatus.WAREHOUSE_STATUS_ACTIVE],
      [b, 4, 0, 4, WarehouseStatus.WAREHOUSE_STATUS_ACTIVE],
    ]);
    const { transfer } = await client.transferStock({ fromWarehouseId: a, toWarehouseId: b, productId: w.productId, quantity: 3, idempotencyKey: "t1" }, auth);
    expect(transfer).toMatchObject({ fromWarehouseId: a, toWarehouseId: b, quantity: 3 });
    const { movements } = await client.listStockMovements({ warehouseId: b, productId: "", pageSize: 1, pageToken: "" }, auth);
    expect(movements.map((m) => [m.kind, m.quantity, m.referenceId])).toEqual([[StockMovementKind.STOCK_MOVEMENT_KIND_TRANSFER_IN, 3, transfer!.transferId]]);

    const { warehouse } = await client.setWarehouseStatus({ warehouseId: b, status: WarehouseStatus.WAREHOUSE_STATUS_INACTIVE }, auth);
    expect(warehouse?.status).toBe(WarehouseStatus.WAREHOUSE_STATUS_INACTIVE);
    const renamed = await client.updateWarehouse({ warehouseId: b, name: "Overflow", location: "" }, auth);
    expect(renamed.warehouse).toMatchObject({ name: "Overflow", location: "Here" });
    expect((await client.getWarehouse({ warehouseId: b }, auth)).warehouse).toEqual(renamed.warehouse);
    const page = await client.listWarehouses({ shopId: w.shopId, pageSize: 1, pageToken: "" }, auth);
    expect(page.warehouses.map((x) => x.warehouseId)).toEqual([a]);
    const next = await client.listWarehouses({ shopId: w.shopId, pageSize: 1, pageToken: page.nextPageToken }, auth);
    expect(next).toMatchObject({ warehouses: [{ warehouseId: b }], nextPageToken: "" });

    const unknown = newId();
    // Anonymous: availability is public. Only the active warehouse counts (8 - 3).
    expect((await client.getAvailability({ productIds: [w.productId, unknown] })).items).toEqual([
      { productId: w.productId, availableQuantity: 5 },
      { productId: unknown, availableQuantity: 0 },
    ]);
  });

  it("refuses stock into an inactive warehouse with FAILED_PRECONDITION WAREHOUSE_INACTIVE, but lets it be drained", async () => {
    const w = await sellerWorld([5, 2]);
    const auth = { bearerToken: w.bearerToken };
    const [a, b] = w.warehouseIds as [string, string];
    await client.setWarehouseStatus({ warehouseId: b, status: WarehouseStatus.WAREHOUSE_STATUS_INACTIVE }, auth);
    const inactive = { kind: "FAILED_PRECONDITION", reason: "WAREHOUSE_INACTIVE", domain: "wms.warehouse.v1", metadata: { warehouseId: b } };
    expect(await rejection(client.addStock({ warehouseId: b, productId: w.productId, quantity: 1, idempotencyKey: "late" }, auth))).toMatchObject(inactive);
    const into = { fromWarehouseId: a, toWarehouseId: b, productId: w.productId, quantity: 1, idempotencyKey: "in" };
    expect(await rejection(client.transferStock(into, auth))).toMatchObject(inactive);
    await client.transferStock({ ...into, fromWarehouseId: b, toWarehouseId: a, quantity: 2, idempotencyKey: "drain" }, auth);
    const { levels } = await client.listStockLevels({ productId: w.productId }, auth);
    expect(Object.fromEntries(levels.map((l) => [l.warehouseId, l.onHand]))).toEqual({ [a]: 7, [b]: 0 });
  });

  it("refuses anonymous callers, buyers and other sellers, changing nothing", async () => {
    const w = await sellerWorld([5, 0]);
    const other = await sellerWorld([5, 0]);
    const buyer = { bearerToken: await tokens.user(newId(), "buyer") };
    const [a, b] = w.warehouseIds as [string, string];
    const add = { warehouseId: a, productId: w.productId, quantity: 1, idempotencyKey: newId() };
    expect((await rejection(client.addStock(add))).kind).toBe("UNAUTHENTICATED");
    expect((await rejection(client.addStock(add, buyer))).kind).toBe("PERMISSION_DENIED");
    expect((await rejection(client.addStock(add, { bearerToken: other.bearerToken }))).kind).toBe("PERMISSION_DENIED");
    expect((await rejection(client.addStock({ ...add, productId: other.productId }, { bearerToken: w.bearerToken }))).kind).toBe("PERMISSION_DENIED");
    expect((await rejection(client.createWarehouse({ shopId: w.shopId, name: "Mine", location: "" }, { bearerToken: other.bearerToken }))).kind).toBe(
      "PERMISSION_DENIED",
    );
    expect(
      (await rejection(client.transferStock({ fromWarehouseId: a, toWarehouseId: other.warehouseIds[0]!, productId: w.productId, quantity: 1, idempotencyKey: "x" }, { bearerToken: w.bearerToken })))
        .kind,
    ).toBe("PERMISSION_DENIED");
    expect((await rejection(client.listStockLevels({ productId: w.productId }, { bearerToken: other.bearerToken }))).kind).toBe("PERMISSION_DENIED");
    expect((await rejection(client.getWarehouse({ warehouseId: b }, buyer))).kind).toBe("PERMISSION_DENIED");
    const { levels } = await client.listStockLevels({ productId: w.productId }, { bearerToken: w.bearerToken });
    expect(levels.map((l) => l.onHand)).toEqual([5]);
  });

  it("answers NOT_FOUND for unknown warehouses, shops and products, and lists field violations", async () => {
    const w = await sellerWorld([1, 0]);
    const auth = { bearerToken: w.bearerToken };
    expect((await rejection(client.getWarehouse({ warehouseId: newId() }, auth))).reason).toBe("WAREHOUSE_NOT_FOUND");
    expect((await rejection(client.getWarehouse({ warehouseId: "garbage" }, auth))).reason).toBe("WAREHOUSE_NOT_FOUND");
    expect((await rejection(client.createWarehouse({ shopId: newId(), name: "X", location: "" }, auth))).reason).toBe("SHOP_NOT_FOUND");
    expect(
      (await rejection(client.addStock({ warehouseId: w.warehouseIds[0]!, productId: newId(), quantity: 1, idempotencyKey: "k" }, auth))).reason,
    ).toBe("PRODUCT_NOT_FOUND");
    const bad = await rejection(client.createWarehouse({ shopId: w.shopId, name: "", location: "" }, auth));
    expect(bad.kind).toBe("INVALID_ARGUMENT");
    expect(bad.fieldViolations).toEqual([{ field: "name", reason: "REQUIRED", description: "must not be empty" }]);
    const same = await rejection(
      client.transferStock({ fromWarehouseId: w.warehouseIds[0]!, toWarehouseId: w.warehouseIds[0]!, productId: w.productId, quantity: 0, idempotencyKey: "" }, auth),
    );
    expect(same.fieldViolations.map((v) => v.field)).toEqual(["to_warehouse_id", "quantity", "idempotency_key"]);
    const status = await rejection(client.setWarehouseStatus({ warehouseId: w.warehouseIds[0]!, status: WarehouseStatus.WAREHOUSE_STATUS_UNSPECIFIED }, auth));
    expect(status.fieldViolations.map((v) => v.field)).toEqual(["status"]);
    const tooMany = await rejection(client.getAvailability({ productIds: Array.from({ length: 501 }, () => newId()) }));
    expect(tooMany.fieldViolations.map((v) => v.field)).toEqual(["product_ids"]);
  });
});

describe("reservation RPCs", () => {
  const inSeconds = (s: number) => toTimestamp(new Date(Date.now() + s * 1000));

  it("are for services only", async () => {
    const seller = { bearerToken: await tokens.user(newId(), "seller") };
    const request = { reservationId: newId(), lines: [{ productId: newId(), quantity: 1 }], expireTime: inSeconds(60) };
    expect((await rejection(client.reserveStock(request))).kind).toBe("UNAUTHENTICATED");
    expect((await rejection(client.reserveStock(request, seller))).kind).toBe("PERMISSION_DENIED");
    expect((await rejection(client.commitReservation({ reservationId: request.reservationId }, seller))).kind).toBe("PERMISSION_DENIED");
    expect((await rejection(client.releaseReservation({ reservationId: request.reservationId }, seller))).kind).toBe("PERMISSION_DENIED");
  });

  it("reserve, commit and release for the order service, idempotently", async () => {
    const w = await sellerWorld([6, 4]);
    const order = { bearerToken: await tokens.service("order") };
    const id = newId();
    const request = { reservationId: id, lines: [{ productId: w.productId, quantity: 8 }], expireTime: inSeconds(60) };
    const { reservation } = await client.reserveStock(request, order);
    expect(reservation?.status).toBe(ReservationStatus.RESERVATION_STATUS_HELD);
    expect(reservation?.allocations.map((a) => [a.warehouseId, a.quantity]).sort()).toEqual(
      [
        [w.warehouseIds[0], 6],
        [w.warehouseIds[1], 2],
      ].sort(),
    );
    expect(fromTimestamp(reservation!.expireTime!).getTime()).toBe(fromTimestamp(request.expireTime).getTime());
    expect((await client.reserveStock(request, order)).reservation).toEqual(reservation);

    const short = await rejection(client.reserveStock({ ...request, reservationId: newId(), lines: [{ productId: w.productId, quantity: 3 }] }, order));
    expect(short).toMatchObject({ kind: "FAILED_PRECONDITION", reason: "INSUFFICIENT_STOCK", metadata: { productId: w.productId } });

    expect((await client.commitReservation({ reservationId: id }, order)).reservation?.status).toBe(ReservationStatus.RESERVATION_STATUS_COMMITTED);
    expect((await rejection(client.releaseReservation({ reservationId: id }, order))).reason).toBe("RESERVATION_COMMITTED");
    const tombstone = await client.releaseReservation({ reservationId: "order-never-reserved" }, order);
    expect(tombstone.reservation).toMatchObject({ status: ReservationStatus.RESERVATION_STATUS_RELEASED, allocations: [] });

    const invalid = await rejection(client.reserveStock({ reservationId: "", lines: [], expireTime: undefined }, order));
    expect(invalid.fieldViolations.map((v) => v.field)).toEqual(["reservation_id", "lines", "expire_time"]);
    const { levels } = await client.listStockLevels({ productId: w.productId }, { bearerToken: w.bearerToken });
    expect(levels.map((l) => [l.onHand, l.reserved])).toEqual([
      [0, 0],
      [2, 0],
    ]);
  });

  it("lapse on their own: the background sweeper releases expired reservations", async () => {
    const w = await sellerWorld([3, 0]);
    const order = { bearerToken: await tokens.service("order") };
    const id = newId();
    await client.reserveStock({ reservationId: id, lines: [{ productId: w.productId, quantity: 3 }], expireTime: inSeconds(0.3) }, order);
    let reserved = -1;
    for (let attempt = 0; attempt < 50 && reserved !== 0; attempt++) {
      await new Promise((r) => setTimeout(r, 100));
      reserved = (await client.listStockLevels({ productId: w.productId }, { bearerToken: w.bearerToken })).levels[0]!.reserved;
    }
    expect(reserved).toBe(0);
    expect((await rejection(client.commitReservation({ reservationId: id }, order))).reason).toBe("RESERVATION_RELEASED");
  });
});
