import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CallContext } from "@wms/grpc";
import { errors } from "@wms/errors";
import { InProcessLockManager } from "@wms/locks";
import { AdjustmentReason, WarehouseStatus } from "@wms/proto/warehouse";
import { createWarehouseRepo } from "../db/repo.js";
import { createWarehouseDomain, type LookupOptions, type WarehouseDomain } from "../domain/index.js";
import { openTestDatabase, sellerWorld, testDomain } from "../testing/fixtures.js";
import { addStock } from "../rpc/add-stock.js";
import { createWarehouse } from "../rpc/create-warehouse.js";
import { getWarehouse } from "../rpc/get-warehouse.js";
import { listStockLevels } from "../rpc/list-stock-levels.js";
import { listStockMovements } from "../rpc/list-stock-movements.js";
import { listWarehouses } from "../rpc/list-warehouses.js";
import { setWarehouseStatus } from "../rpc/set-warehouse-status.js";
import { transferStock } from "../rpc/transfer-stock.js";
import { adjustStock } from "../rpc/adjust-stock.js";
import { updateWarehouse } from "../rpc/update-warehouse.js";
import { createPeerCatalog, type CatalogPeers } from "./catalog.js";

// The ownership lookups must carry the deadline of the call being served, not the client's
// default: each owner-checking RPC is run in-process over the real domain and database, with
// the shop and product services replaced by a stub (a peer, not the database) that records
// the deadline it was called with.

type PeerMethod = "getShop" | "batchGetProducts";

/** The shop and product services' answers, recording every call's method and deadline. */
class RecordingPeers implements CatalogPeers {
  readonly owners = new Map<string, string>();
  readonly productShops = new Map<string, string>();
  calls: Array<{ method: PeerMethod; deadline: Date | undefined }> = [];

  async getShop({ shopId }: { shopId: string }, { deadline }: LookupOptions) {
    this.calls.push({ method: "getShop", deadline });
    const ownerUserId = this.owners.get(shopId);
    if (ownerUserId === undefined) throw errors.notFound("shop", shopId);
    return { shop: { ownerUserId } };
  }

  async batchGetProducts({ productIds }: { productIds: string[] }, { deadline }: LookupOptions) {
    this.calls.push({ method: "batchGetProducts", deadline });
    const products = productIds.flatMap((productId) => {
      const shopId = this.productShops.get(productId);
      return shopId === undefined ? [] : [{ productId, shopId }];
    });
    return { products };
  }
}

let database: Awaited<ReturnType<typeof openTestDatabase>>;
let world: Awaited<ReturnType<typeof sellerWorld>>;
const peers = new RecordingPeers();

beforeAll(async () => {
  database = await openTestDatabase("wh_peer_deadline");
  // The world is made through an in-memory catalog; the stub then answers the same ownership.
  const seeding = testDomain(database.db);
  world = await sellerWorld(seeding.domain, seeding.catalog, [5, 0]);
  peers.owners.set(world.shopId, world.sellerId);
  peers.productShops.set(world.productId, world.shopId);
});
afterAll(async () => {
  await database?.drop();
});

/** A domain whose catalog cache is empty, so its first lookups do reach the peers. */
function freshDomain(): WarehouseDomain {
  return createWarehouseDomain({ repo: createWarehouseRepo(database.db), catalog: createPeerCatalog(peers, 100), locks: new InProcessLockManager() });
}

describe("peer catalog", () => {
  it("passes the lookup's deadline to the peer, and none (the client's default) without one", async () => {
    peers.calls = [];
    const catalog = createPeerCatalog(peers, 100);
    const deadline = new Date(Date.now() + 123_456);
    expect(await catalog.productShop(world.productId.toUpperCase(), { deadline })).toBe(world.shopId);
    expect(await catalog.shopOwner(world.shopId, { deadline })).toBe(world.sellerId);
    expect(await createPeerCatalog(peers, 100).shopOwner(world.shopId)).toBe(world.sellerId);
    expect(peers.calls).toEqual([
      { method: "batchGetProducts", deadline },
      { method: "getShop", deadline },
      { method: "getShop", deadline: undefined },
    ]);
  });

  it("every owner-checking RPC looks ownership up with the deadline of the call it serves", async () => {
    const [a, b] = world.warehouseIds as [string, string];
    const { shopId, productId } = world;
    const cases: Array<[string, (domain: WarehouseDomain, ctx: CallContext) => Promise<unknown>, PeerMethod[]]> = [
      ["CreateWarehouse", (d, ctx) => createWarehouse(d)({ shopId, name: "C", location: "" }, ctx), ["getShop"]],
      ["GetWarehouse", (d, ctx) => getWarehouse(d)({ warehouseId: a }, ctx), ["getShop"]],
      ["ListWarehouses", (d, ctx) => listWarehouses(d)({ shopId, pageSize: 1, pageToken: "" }, ctx), ["getShop"]],
      ["UpdateWarehouse", (d, ctx) => updateWarehouse(d)({ warehouseId: a, name: "Main", location: "" }, ctx), ["getShop"]],
      ["SetWarehouseStatus", (d, ctx) => setWarehouseStatus(d)({ warehouseId: a, status: WarehouseStatus.WAREHOUSE_STATUS_ACTIVE }, ctx), ["getShop"]],
      ["AddStock", (d, ctx) => addStock(d)({ warehouseId: a, productId, quantity: 1, idempotencyKey: "deadline" }, ctx), ["getShop", "batchGetProducts"]],
      [
        "AdjustStock",
        (d, ctx) =>
          adjustStock(d)(
            { warehouseId: a, productId, change: { $case: "delta", value: 1 }, reason: AdjustmentReason.ADJUSTMENT_REASON_FOUND, note: "", idempotencyKey: "deadline" },
            ctx,
          ),
        ["getShop", "batchGetProducts"],
      ],
      [
        "TransferStock",
        (d, ctx) => transferStock(d)({ fromWarehouseId: a, toWarehouseId: b, productId, quantity: 1, idempotencyKey: "deadline" }, ctx),
        ["getShop", "batchGetProducts"],
      ],
      ["ListStockLevels", (d, ctx) => listStockLevels(d)({ productId }, ctx), ["batchGetProducts", "getShop"]],
      ["ListStockMovements", (d, ctx) => listStockMovements(d)({ warehouseId: a, productId: "", pageSize: 1, pageToken: "" }, ctx), ["getShop"]],
    ];
    for (const [i, [name, call, methods]] of cases.entries()) {
      // A distinct deadline per call, far from the client's 10 s default.
      const deadline = new Date(Date.now() + 60_000 + i * 1_000);
      const ctx = new CallContext({ kind: "user", userId: world.sellerId, role: "seller" }, deadline);
      peers.calls = [];
      await call(freshDomain(), ctx);
      expect({ name, calls: peers.calls }).toEqual({ name, calls: methods.map((method) => ({ method, deadline })) });
    }
  });
});
