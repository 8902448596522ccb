import { newId } from "@wms/db";
import { descriptorRegistry } from "@wms/proto/descriptors";
import { fullServiceNames as serviceNames } from "@wms/proto/services";
import type { ServiceName } from "@wms/proto/services";
import type { InProcessMesh } from "./in-process-mesh.js";
import { RawGrpc, type RawOutcome } from "./raw-grpc.js";

/** Who calls: the kinds of legitimate principal an RPC may or may not serve. */
export type Principal = "anyone" | "buyer" | "owner" | "other seller" | "service";

/** Resources of one test world: a seller with a stocked product, another seller, a buyer. */
export interface World {
  mesh: InProcessMesh;
  grpc: RawGrpc;
  tokens: { buyer: string; owner: string; otherSeller: string; service: string };
  userIds: { buyer: string; owner: string; otherSeller: string };
  /** The buyer is registered: Login and GetUser find them. */
  buyerLogin: { email: string; password: string };
  shopId: string;
  otherShopId: string;
  warehouseIds: [string, string];
  productId: string;
  /** Calls an RPC by `Service/Method` on its service's port. */
  call(path: string, request: Record<string, unknown>, token?: string, deadlineMs?: number): Promise<RawOutcome>;
  /** A fresh PENDING_PAYMENT order of the buyer (one unit of the product). */
  pendingOrder(): Promise<string>;
  /** A fresh HELD reservation (one unit of the product). */
  heldReservation(): Promise<string>;
}

export interface RpcEntry {
  /** `wms.order.v1.OrderService/Checkout` */
  path: string;
  /** Who the RPC serves; `anyone` also serves calls without a token. */
  serves: Principal[];
  /** Builds a valid request for `caller`, preparing what it needs (a pending order, a reservation). */
  request(world: World, caller?: Principal): Promise<Record<string, unknown>>;
}

const S = serviceNames;
const at = (service: string, method: string) => `${service}/${method}`;

/** A valid request for every RPC of every service, with who may call it. */
export const rpcCatalog: RpcEntry[] = [
  { path: at(S.user, "Register"), serves: ["anyone"], request: async () => ({ email: `${newId()}@example.com`, password: "long enough" }) },
  { path: at(S.user, "Login"), serves: ["anyone"], request: async (w) => ({ login: w.buyerLogin.email, password: w.buyerLogin.password }) },
  { path: at(S.user, "GetUser"), serves: ["buyer", "service"], request: async (w) => ({ userId: w.userIds.buyer }) },
  {
    path: at(S.shop, "CreateShop"),
    serves: ["owner", "other seller", "service"],
    // A seller creates a shop for themself; a service (registration) names the owner.
    request: async (w, caller) => ({ name: `Shop ${newId()}`, ownerUserId: caller === "service" ? w.userIds.owner : "" }),
  },
  { path: at(S.shop, "GetShop"), serves: ["anyone"], request: async (w) => ({ shopId: w.shopId }) },
  { path: at(S.shop, "ListShops"), serves: ["anyone"], request: async (w) => ({ ownerUserId: w.userIds.owner }) },
  { path: at(S.product, "CreateProduct"), serves: ["owner"], request: async (w) => ({ shopId: w.shopId, name: `P ${newId()}`, priceCents: 10n }) },
  { path: at(S.product, "GetProduct"), serves: ["anyone"], request: async (w) => ({ productId: w.productId }) },
  { path: at(S.product, "ListProducts"), serves: ["anyone"], request: async (w) => ({ shopId: w.shopId }) },
  { path: at(S.product, "UpdateProduct"), serves: ["owner"], request: async (w) => ({ productId: w.productId, description: `as of ${newId()}` }) },
  { path: at(S.product, "BatchGetProducts"), serves: ["service"], request: async (w) => ({ productIds: [w.productId], includeAvailability: true }) },
  { path: at(S.warehouse, "CreateWarehouse"), serves: ["owner"], request: async (w) => ({ shopId: w.shopId, name: `W ${newId()}`, location: "here" }) },
  { path: at(S.warehouse, "GetWarehouse"), serves: ["owner"], request: async (w) => ({ warehouseId: w.warehouseIds[0] }) },
  { path: at(S.warehouse, "ListWarehouses"), serves: ["owner"], request: async (w) => ({ shopId: w.shopId }) },
  { path: at(S.warehouse, "UpdateWarehouse"), serves: ["owner"], request: async (w) => ({ warehouseId: w.warehouseIds[1], name: `B ${newId()}`, location: "there" }) },
  { path: at(S.warehouse, "SetWarehouseStatus"), serves: ["owner"], request: async (w) => ({ warehouseId: w.warehouseIds[1], status: 1 }) },
  { path: at(S.warehouse, "AddStock"), serves: ["owner"], request: async (w) => ({ warehouseId: w.warehouseIds[0], productId: w.productId, quantity: 1n, idempotencyKey: newId() }) },
  {
    path: at(S.warehouse, "TransferStock"),
    serves: ["owner"],
    request: async (w) => ({ fromWarehouseId: w.warehouseIds[0], toWarehouseId: w.warehouseIds[1], productId: w.productId, quantity: 1n, idempotencyKey: newId() }),
  },
  {
    path: at(S.warehouse, "AdjustStock"),
    serves: ["owner"],
    request: async (w) => ({ warehouseId: w.warehouseIds[0], productId: w.productId, change: { case: "delta", value: 1n }, reason: 3, note: "found", idempotencyKey: newId() }),
  },
  { path: at(S.warehouse, "ListStockLevels"), serves: ["owner"], request: async (w) => ({ productId: w.productId }) },
  { path: at(S.warehouse, "ListStockMovements"), serves: ["owner"], request: async (w) => ({ warehouseId: w.warehouseIds[0] }) },
  { path: at(S.warehouse, "GetAvailability"), serves: ["anyone"], request: async (w) => ({ productIds: [w.productId] }) },
  {
    path: at(S.warehouse, "ReserveStock"),
    serves: ["service"],
    request: async (w) => ({ reservationId: newId(), lines: [{ productId: w.productId, quantity: 1n }], expireTime: { seconds: BigInt(Math.floor(Date.now() / 1000) + 600) } }),
  },
  { path: at(S.warehouse, "CommitReservation"), serves: ["service"], request: async (w) => ({ reservationId: await w.heldReservation() }) },
  { path: at(S.warehouse, "ReleaseReservation"), serves: ["service"], request: async (w) => ({ reservationId: await w.heldReservation() }) },
  { path: at(S.order, "Checkout"), serves: ["buyer"], request: async (w) => ({ items: [{ productId: w.productId, quantity: 1n }], idempotencyKey: newId() }) },
  { path: at(S.order, "GetOrder"), serves: ["buyer"], request: async (w) => ({ orderId: await w.pendingOrder() }) },
  { path: at(S.order, "ListOrders"), serves: ["buyer"], request: async () => ({}) },
  { path: at(S.order, "PayOrder"), serves: ["buyer"], request: async (w) => ({ orderId: await w.pendingOrder(), paymentReference: `pay-${newId()}` }) },
  { path: at(S.order, "CancelOrder"), serves: ["buyer"], request: async (w) => ({ orderId: await w.pendingOrder() }) },
];

/** Every RPC the contracts declare, to prove a table covers them all. */
export function allRpcPaths(): string[] {
  return Object.values(serviceNames).flatMap((name) => descriptorRegistry().getService(name)?.methods.map((m) => `${name}/${m.name}`) ?? []);
}

/** The service (and port) serving `path`. */
export function serviceOf(path: string): ServiceName {
  const name = (Object.entries(serviceNames) as [ServiceName, string][]).find(([, full]) => path.startsWith(`${full}/`))?.[0];
  if (!name) throw new Error(`no service for ${path}`);
  return name;
}

/** Builds the world over gRPC: a stocked product of the owner, another seller's shop, a buyer. */
export async function createWorld(mesh: InProcessMesh): Promise<World> {
  const grpc = new RawGrpc();
  const buyerLogin = { email: `buyer-${newId()}@example.com`, password: "a long password" };
  const registered = await grpc.call(mesh.grpc.user, at(S.user, "Register"), buyerLogin);
  if (registered.code !== "OK") throw new Error(`registering the buyer failed: ${registered.code} ${registered.message}`);
  const buyerId = String((registered.response as { user?: { userId?: string } }).user?.userId);
  const userIds = { buyer: buyerId, owner: newId(), otherSeller: newId() };
  const tokens = {
    buyer: await mesh.tokens.user(userIds.buyer, "buyer"),
    owner: await mesh.tokens.user(userIds.owner, "seller"),
    otherSeller: await mesh.tokens.user(userIds.otherSeller, "seller"),
    service: await mesh.tokens.service("order"),
  };
  const call = (path: string, request: Record<string, unknown>, token?: string, deadlineMs?: number) =>
    grpc.call(mesh.grpc[serviceOf(path)], path, request, { token, deadlineMs });
  const must = async (path: string, request: Record<string, unknown>, token: string): Promise<Record<string, Record<string, unknown>>> => {
    const outcome = await call(path, request, token);
    if (outcome.code !== "OK") throw new Error(`${path} failed while building the world: ${outcome.code} ${outcome.message}`);
    return outcome.response as Record<string, Record<string, unknown>>;
  };
  const shopId = String((await must(at(S.shop, "CreateShop"), { name: "Owner's" }, tokens.owner)).shop!.shopId);
  const otherShopId = String((await must(at(S.shop, "CreateShop"), { name: "Other's" }, tokens.otherSeller)).shop!.shopId);
  const warehouse = async () => String((await must(at(S.warehouse, "CreateWarehouse"), { shopId, name: "W", location: "x" }, tokens.owner)).warehouse!.warehouseId);
  const warehouseIds: [string, string] = [await warehouse(), await warehouse()];
  const productId = String((await must(at(S.product, "CreateProduct"), { shopId, name: "Widget", priceCents: 100n }, tokens.owner)).product!.productId);
  await must(at(S.warehouse, "AddStock"), { warehouseId: warehouseIds[0], productId, quantity: 100_000n, idempotencyKey: "world" }, tokens.owner);
  return {
    mesh,
    grpc,
    tokens,
    userIds,
    buyerLogin,
    shopId,
    otherShopId,
    warehouseIds,
    productId,
    call,
    async pendingOrder() {
      const order = await must(at(S.order, "Checkout"), { items: [{ productId, quantity: 1n }], idempotencyKey: newId() }, tokens.buyer);
      return String(order.order!.orderId);
    },
    async heldReservation() {
      const reservationId = newId();
      const expireTime = { seconds: BigInt(Math.floor(Date.now() / 1000) + 600) };
      await must(at(S.warehouse, "ReserveStock"), { reservationId, lines: [{ productId, quantity: 1n }], expireTime }, tokens.service);
      return reservationId;
    },
  };
}
