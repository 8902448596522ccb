import { randomUUID } from "node:crypto";
import { Agent, request } from "node:http";
import { DomainError } from "@wms/errors";
import { CheckoutRequest, CheckoutResponse, OrderStatus } from "@wms/proto/order";
import { closedLoop, mergeLoads, type LoadResult } from "./load.js";
import { GrpcCallFailed, leanUnaryClient } from "./lean-grpc.js";
import type { Meter } from "./meter.js";
import type { Catalog, MeshClients } from "./seed.js";
import type { RunningMesh } from "./topology.js";

export interface Window {
  concurrency: number;
  warmupMs: number;
  durationMs: number;
}

export interface Env {
  clients: MeshClients;
  catalog: Catalog;
  mesh: RunningMesh;
  meter: Meter;
  databaseUrl: string;
}

export const classify = (err: unknown): string =>
  err instanceof DomainError ? err.reason : err instanceof GrpcCallFailed ? `gRPC ${err.code}: ${err.grpcMessage.slice(0, 60)}` : err instanceof Error ? err.message.slice(0, 80) : String(err).slice(0, 80);

const CHECKOUT = "/wms.order.v1.OrderService/Checkout";

/**
 * Our checkouts, one unit each, spread uniformly over `skus` (one SKU: the flash sale), each with
 * a fresh idempotency key and a buyer's token, over gRPC to OrderService.Checkout with a lean
 * client (lean-grpc.ts), as pgbench is a lean client of PostgreSQL.
 */
export async function checkoutLoad(env: Env, w: Window, skus: string[]): Promise<LoadResult> {
  const tokens = env.catalog.buyerTokens.map((t) => `Bearer ${t}`);
  const client = leanUnaryClient(env.mesh.addresses.order);
  try {
    return await closedLoop({
      ...w,
      meter: env.meter,
      processes: env.mesh.processes,
      classify,
      call: async (worker) => {
        const productId = skus.length === 1 ? skus[0]! : skus[Math.floor(Math.random() * skus.length)]!;
        const request = CheckoutRequest.encode({ items: [{ productId, quantity: 1 }], idempotencyKey: randomUUID() }).finish();
        const answer = CheckoutResponse.decode(await client.call(CHECKOUT, request, { authorization: tokens[worker % tokens.length]! }));
        if (answer.order?.status !== OrderStatus.ORDER_STATUS_PENDING_PAYMENT) throw new Error(`checkout answered an order in status ${answer.order?.status}`);
      },
    });
  } finally {
    client.close();
  }
}

/**
 * GetProduct over REST through the gateway and the same RPC over gRPC, same concurrency, in four
 * half windows REST, gRPC, gRPC, REST: drift in the machine's load over the run then weighs on
 * both sides alike instead of on whichever ran second.
 */
export async function gatewayRound(env: Env, w: Window): Promise<{ rest: LoadResult; grpc: LoadResult }> {
  const productId = env.catalog.products.hot;
  const token = env.catalog.buyerTokens[0]!;
  const url = `${env.mesh.addresses.gateway}/v1/products/${productId}`;
  const half = { ...w, durationMs: w.durationMs / 2, meter: env.meter, processes: env.mesh.processes, classify };
  // node:http with one keep-alive connection per concurrent caller, as wrk or a service's HTTP
  // client would: fetch (undici) cost this process about 1.1 ms of CPU per request, against
  // 0.4 ms for the gRPC client, on the cores the mesh needs.
  const agent = new Agent({ keepAlive: true, maxSockets: w.concurrency });
  const rest = () =>
    closedLoop({
      ...half,
      call: async () => {
        const { status, body } = await getText(url, { authorization: `Bearer ${token}` }, agent);
        const product = (JSON.parse(body) as { product?: { productId?: string } }).product;
        if (status !== 200 || product?.productId !== productId) throw new Error(`HTTP ${status}`);
      },
    });
  const grpc = () =>
    closedLoop({
      ...half,
      call: async () => {
        const { product } = await env.clients.product.getProduct({ productId }, { bearerToken: token });
        if (product?.productId !== productId) throw new Error("wrong product");
      },
    });
  try {
    const rest1 = await rest();
    const grpc1 = await grpc();
    const grpc2 = await grpc();
    const rest2 = await rest();
    return { rest: mergeLoads(rest1, rest2), grpc: mergeLoads(grpc1, grpc2) };
  } finally {
    agent.destroy();
  }
}

function getText(url: string, headers: Record<string, string>, agent: Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

export interface SellOutResult {
  stock: number;
  calls: number;
  sold: number;
  insufficient: number;
  otherFailures: Record<string, number>;
}

/**
 * `calls` one-unit checkouts, `concurrency` at a time, on a SKU holding `stock` units: exactly
 * `stock` must succeed and every other call be INSUFFICIENT_STOCK.
 */
export async function sellOut(env: Env, stock: number, calls: number, concurrency: number): Promise<SellOutResult> {
  const productId = env.catalog.products.sellOut;
  const tokens = env.catalog.buyerTokens;
  let next = 0;
  const out: SellOutResult = { stock, calls, sold: 0, insufficient: 0, otherFailures: {} };
  const worker = async (id: number) => {
    while (next < calls) {
      next += 1;
      try {
        await env.clients.order.checkout({ items: [{ productId, quantity: 1 }], idempotencyKey: randomUUID() }, { bearerToken: tokens[id % tokens.length]! });
        out.sold += 1;
      } catch (err) {
        const reason = classify(err);
        if (reason === "INSUFFICIENT_STOCK") out.insufficient += 1;
        else out.otherFailures[reason] = (out.otherFailures[reason] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, i) => worker(i)));
  return out;
}
