import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toTimestamp, type PromiseClient } from "@wms/grpc";
import { DomainError, type ErrorKind } from "@wms/errors";
import { newId } from "@wms/db";
import { ProductServiceService } from "@wms/proto/product";
import { ShopServiceService } from "@wms/proto/shop";
import { AdjustmentReason, ReservationStatus, StockMovementKind, WarehouseServiceService, WarehouseStatus } from "@wms/proto/warehouse";
import { freePort, testServices } from "@wms/testing";
import { shopService } from "@wms/shop-service";
import { createSellerWithShop } from "@wms/shop-service/testing";
import { productService } from "@wms/product-service";
import { warehouseService } from "@wms/warehouse-service";

// Every owner-only and internal RPC of the warehouse and product services, called by every
// kind of caller: only the owner (or, for internal RPCs, a service) gets through, and a refused
// call changes nothing the owners can see.
const services = testServices("ownership");
const { tokens } = services;
let warehouses: PromiseClient<typeof WarehouseServiceService>;
let products: PromiseClient<typeof ProductServiceService>;
let shops: PromiseClient<typeof ShopServiceService>;

interface Seller {
  token: string;
  shopId: string;
  /** Two active warehouses and one product with 20 units in the first. */
  warehouseIds: [string, string];
  productId: string;
}
let owner: Seller;
let other: Seller;
let buyer: string;
let service: string;
/** Reservations held (by a service) for the commit and release rows. */
const held = { toCommit: newId(), toRelease: newId() };

type Caller = "no token" | "buyer" | "owner" | "other seller";
const tokenOf = (caller: Caller): string | undefined =>
  ({ "no token": undefined, buyer, owner: owner.token, "other seller": other.token })[caller];

async function newSeller(name: string): Promise<Seller> {
  const { token, shopId } = await createSellerWithShop(shops, tokens, name);
  const opts = { bearerToken: token };
  const w1 = (await warehouses.createWarehouse({ shopId, name: "A", location: "x" }, opts)).warehouse!.warehouseId;
  const w2 = (await warehouses.createWarehouse({ shopId, name: "B", location: "y" }, opts)).warehouse!.warehouseId;
  const productId = (await products.createProduct({ shopId, name: "P", description: "", priceCents: 100 }, opts)).product!.productId;
  await warehouses.addStock({ warehouseId: w1, productId, quantity: 20, idempotencyKey: "initial" }, opts);
  return { token, shopId, warehouseIds: [w1, w2], productId };
}

const reserveRequest = (reservationId: string, productId: string) => ({
  reservationId,
  lines: [{ productId, quantity: 1 }],
  expireTime: toTimestamp(new Date(Date.now() + 600_000)),
});

beforeAll(async () => {
  // The product and warehouse services call each other: the product port is chosen up front.
  const productPort = await freePort();
  const productAddr = `127.0.0.1:${productPort}`;
  const shop = await services.start(shopService);
  const peers: Record<string, string> = { SHOP_SERVICE_ADDR: shop.address, PRODUCT_SERVICE_ADDR: productAddr };
  const warehouse = await services.start(warehouseService, peers);
  peers.WAREHOUSE_SERVICE_ADDR = warehouse.address;
  await services.start(productService, { ...peers, PORT: String(productPort) });
  shops = services.client(ShopServiceService, shop.address);
  warehouses = services.client(WarehouseServiceService, warehouse.address);
  products = services.client(ProductServiceService, productAddr);
  owner = await newSeller("owner's shop");
  other = await newSeller("other seller's shop");
  buyer = await tokens.user(newId(), "buyer");
  service = await tokens.service("order");
  for (const id of Object.values(held)) await warehouses.reserveStock(reserveRequest(id, owner.productId), { bearerToken: service });
});
afterAll(() => services.stop());

/** Everything both sellers can see of their shops, read as themselves. */
async function snapshot(): Promise<unknown> {
  return Promise.all(
    [owner, other].map(async (seller) => {
      const opts = { bearerToken: seller.token };
      const [{ warehouses: list }, { products: catalog }] = await Promise.all([
        warehouses.listWarehouses({ shopId: seller.shopId, pageSize: 500, pageToken: "" }, opts),
        products.listProducts({ shopId: seller.shopId, pageSize: 500, pageToken: "" }),
      ]);
      const [levels, movements] = await Promise.all([
        Promise.all(catalog.map((p) => warehouses.listStockLevels({ productId: p.productId }, opts))),
        Promise.all(list.map((w) => allMovements(w.warehouseId, seller.token))),
      ]);
      return { list, catalog, levels, movements };
    }),
  );
}

async function allMovements(warehouseId: string, bearerToken: string): Promise<unknown[]> {
  const all: unknown[] = [];
  let pageToken = "";
  do {
    const page = await warehouses.listStockMovements({ warehouseId, productId: "", pageSize: 500, pageToken }, { bearerToken });
    all.push(...page.movements);
    pageToken = page.nextPageToken;
  } while (pageToken);
  return all;
}

interface Row {
  rpc: string;
  /** Internal: every end-user token is refused; a service succeeds. */
  internal?: boolean;
  call(token: string | undefined): Promise<unknown>;
  /** What the permitted call (owner, or service for internal rows) must return. */
  check(response: unknown): void;
}

const rows: Row[] = [
  {
    rpc: "CreateWarehouse",
    call: (t) => warehouses.createWarehouse({ shopId: owner.shopId, name: "C", location: "z" }, { bearerToken: t }),
    check: (r) => expect(r).toMatchObject({ warehouse: { shopId: owner.shopId, name: "C" } }),
  },
  {
    rpc: "GetWarehouse",
    call: (t) => warehouses.getWarehouse({ warehouseId: owner.warehouseIds[0] }, { bearerToken: t }),
    check: (r) => expect(r).toMatchObject({ warehouse: { warehouseId: owner.warehouseIds[0] } }),
  },
  {
    rpc: "ListWarehouses",
    call: (t) => warehouses.listWarehouses({ shopId: owner.shopId, pageSize: 0, pageToken: "" }, { bearerToken: t }),
    check: (r) => expect((r as { warehouses: unknown[] }).warehouses.length).toBeGreaterThanOrEqual(2),
  },
  {
    rpc: "UpdateWarehouse",
    call: (t) => warehouses.updateWarehouse({ warehouseId: owner.warehouseIds[1], name: "Renamed", location: "" }, { bearerToken: t }),
    check: (r) => expect(r).toMatchObject({ warehouse: { name: "Renamed" } }),
  },
  {
    rpc: "AddStock",
    call: (t) => warehouses.addStock({ warehouseId: owner.warehouseIds[0], productId: owner.productId, quantity: 5, idempotencyKey: newId() }, { bearerToken: t }),
    check: (r) => expect(r).toMatchObject({ level: { warehouseId: owner.warehouseIds[0], productId: owner.productId } }),
  },
  {
    rpc: "TransferStock",
    call: (t) =>
      warehouses.transferStock(
        { fromWarehouseId: owner.warehouseIds[0], toWarehouseId: owner.warehouseIds[1], productId: owner.productId, quantity: 2, idempotencyKey: newId() },
        { bearerToken: t },
      ),
    check: (r) => expect(r).toMatchObject({ transfer: { quantity: 2, productId: owner.productId } }),
  },
  {
    rpc: "AdjustStock",
    call: (t) =>
      warehouses.adjustStock(
        {
          warehouseId: owner.warehouseIds[0],
          productId: owner.productId,
          change: { $case: "delta", value: -1 },
          reason: AdjustmentReason.ADJUSTMENT_REASON_DAMAGED,
          note: "",
          idempotencyKey: newId(),
        },
        { bearerToken: t },
      ),
    check: (r) => expect(r).toMatchObject({ movement: { kind: StockMovementKind.STOCK_MOVEMENT_KIND_ADJUSTMENT, quantity: -1 } }),
  },
  {
    // After TransferStock: the owner's call switches off the warehouse TransferStock fills.
    rpc: "SetWarehouseStatus",
    call: (t) =>
      warehouses.setWarehouseStatus({ warehouseId: owner.warehouseIds[1], status: WarehouseStatus.WAREHOUSE_STATUS_INACTIVE }, { bearerToken: t }),
    check: (r) => expect(r).toMatchObject({ warehouse: { status: WarehouseStatus.WAREHOUSE_STATUS_INACTIVE } }),
  },
  {
    rpc: "ListStockLevels",
    call: (t) => warehouses.listStockLevels({ productId: owner.productId }, { bearerToken: t }),
    check: (r) => expect((r as { levels: unknown[] }).levels.length).toBeGreaterThanOrEqual(1),
  },
  {
    rpc: "ListStockMovements",
    call: (t) => warehouses.listStockMovements({ warehouseId: owner.warehouseIds[0], productId: "", pageSize: 0, pageToken: "" }, { bearerToken: t }),
    check: (r) => expect((r as { movements: unknown[] }).movements.length).toBeGreaterThanOrEqual(1),
  },
  {
    rpc: "CreateProduct",
    call: (t) => products.createProduct({ shopId: owner.shopId, name: `Q ${newId()}`, description: "", priceCents: 250 }, { bearerToken: t }),
    check: (r) => expect(r).toMatchObject({ product: { shopId: owner.shopId, priceCents: 250 } }),
  },
  {
    rpc: "UpdateProduct",
    call: (t) => products.updateProduct({ productId: owner.productId, name: "", description: "", priceCents: 175 }, { bearerToken: t }),
    check: (r) => expect(r).toMatchObject({ product: { productId: owner.productId, priceCents: 175 } }),
  },
  {
    rpc: "ReserveStock",
    internal: true,
    call: (t) => warehouses.reserveStock(reserveRequest(newId(), owner.productId), { bearerToken: t }),
    check: (r) => expect(r).toMatchObject({ reservation: { status: ReservationStatus.RESERVATION_STATUS_HELD } }),
  },
  {
    rpc: "CommitReservation",
    internal: true,
    call: (t) => warehouses.commitReservation({ reservationId: held.toCommit }, { bearerToken: t }),
    check: (r) => expect(r).toMatchObject({ reservation: { status: ReservationStatus.RESERVATION_STATUS_COMMITTED } }),
  },
  {
    rpc: "ReleaseReservation",
    internal: true,
    call: (t) => warehouses.releaseReservation({ reservationId: held.toRelease }, { bearerToken: t }),
    check: (r) => expect(r).toMatchObject({ reservation: { status: ReservationStatus.RESERVATION_STATUS_RELEASED } }),
  },
  {
    rpc: "BatchGetProducts",
    internal: true,
    call: (t) => products.batchGetProducts({ productIds: [owner.productId], includeAvailability: true }, { bearerToken: t }),
    check: (r) => expect(r).toMatchObject({ products: [{ productId: owner.productId }] }),
  },
];

/** What a refused caller may be told: never more than "who are you" or "not yours". */
function allowedRefusals(row: Row, caller: Caller): ErrorKind[] {
  if (caller === "no token") return ["UNAUTHENTICATED"];
  if (row.internal) return ["PERMISSION_DENIED"];
  return ["PERMISSION_DENIED", "NOT_FOUND"];
}

async function expectRefusedWithoutEffect(call: () => Promise<unknown>, allowed: ErrorKind[]): Promise<void> {
  const before = await snapshot();
  const outcome = await call().then(
    () => "succeeded",
    (e: unknown) => (e instanceof DomainError ? e.kind : `threw ${String(e)}`),
  );
  expect(allowed).toContain(outcome);
  expect(await snapshot()).toEqual(before);
}

// The snapshot must be able to see a change, or "changes nothing" would prove nothing.
describe("the snapshot", () => {
  let lastPrice = 100;
  const writes: [string, () => Promise<unknown>][] = [
    ["stock received", () => warehouses.addStock({ warehouseId: owner.warehouseIds[1], productId: owner.productId, quantity: 1, idempotencyKey: newId() }, { bearerToken: owner.token })],
    ["a reservation held", () => warehouses.reserveStock(reserveRequest(newId(), other.productId), { bearerToken: service })],
    ["a product created", () => products.createProduct({ shopId: other.shopId, name: `R ${newId()}`, description: "", priceCents: 1 }, { bearerToken: other.token })],
    ["a price changed", () => products.updateProduct({ productId: other.productId, name: "", description: "", priceCents: ++lastPrice }, { bearerToken: other.token })],
    ["a stock count recorded", () =>
      warehouses.adjustStock(
        { warehouseId: other.warehouseIds[0], productId: other.productId, change: { $case: "delta", value: 1 }, reason: AdjustmentReason.ADJUSTMENT_REASON_FOUND, note: "", idempotencyKey: newId() },
        { bearerToken: other.token },
      )],
    ["a warehouse renamed", () => warehouses.updateWarehouse({ warehouseId: other.warehouseIds[1], name: `N ${newId()}`, location: "" }, { bearerToken: other.token })],
  ];
  it.each(writes)("sees %s", async (_name, write) => {
    const before = await snapshot();
    await write();
    expect(await snapshot()).not.toEqual(before);
  });
});

describe.each(rows)("$rpc", (row) => {
  const refused: Caller[] = row.internal ? ["no token", "buyer", "owner", "other seller"] : ["no token", "buyer", "other seller"];
  it.each(refused)("refuses %s and changes nothing", async (caller) => {
    await expectRefusedWithoutEffect(() => row.call(tokenOf(caller)), allowedRefusals(row, caller));
  });
  // Last: the permitted call may change state, which the refusals above must not have.
  it(row.internal ? "serves a service" : "serves the owner", async () => {
    row.check(await row.call(row.internal ? service : owner.token));
  });
});

// "The owner of both": owning one side is not enough.
describe("mixed ownership", () => {
  const cases: [string, () => Promise<unknown>][] = [
    ["AddStock of another seller's product into an own warehouse", () =>
      warehouses.addStock({ warehouseId: owner.warehouseIds[0], productId: other.productId, quantity: 1, idempotencyKey: newId() }, { bearerToken: owner.token })],
    ["AddStock of an own product into another seller's warehouse", () =>
      warehouses.addStock({ warehouseId: other.warehouseIds[0], productId: owner.productId, quantity: 1, idempotencyKey: newId() }, { bearerToken: owner.token })],
    ["AdjustStock of another seller's product in an own warehouse", () =>
      warehouses.adjustStock(
        { warehouseId: owner.warehouseIds[0], productId: other.productId, change: { $case: "countedOnHand", value: 0 }, reason: AdjustmentReason.ADJUSTMENT_REASON_LOST, note: "", idempotencyKey: newId() },
        { bearerToken: owner.token },
      )],
    ["AdjustStock of an own product in another seller's warehouse", () =>
      warehouses.adjustStock(
        { warehouseId: other.warehouseIds[0], productId: owner.productId, change: { $case: "countedOnHand", value: 0 }, reason: AdjustmentReason.ADJUSTMENT_REASON_LOST, note: "", idempotencyKey: newId() },
        { bearerToken: owner.token },
      )],
    ["TransferStock out of another seller's warehouse", () =>
      warehouses.transferStock(
        { fromWarehouseId: other.warehouseIds[0], toWarehouseId: owner.warehouseIds[0], productId: other.productId, quantity: 1, idempotencyKey: newId() },
        { bearerToken: owner.token },
      )],
    ["TransferStock into another seller's warehouse", () =>
      warehouses.transferStock(
        { fromWarehouseId: owner.warehouseIds[0], toWarehouseId: other.warehouseIds[1], productId: owner.productId, quantity: 1, idempotencyKey: newId() },
        { bearerToken: owner.token },
      )],
  ];
  it.each(cases)("refuses %s and changes nothing", async (_name, call) => {
    await expectRefusedWithoutEffect(call, ["PERMISSION_DENIED", "NOT_FOUND"]);
  });
});
