import { randomUUID } from "node:crypto";
import { DomainError } from "@wms/errors";
import { closedLoop, type LoadResult } from "./load.js";
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
  err instanceof DomainError ? err.reason : err instanceof Error ? err.message.slice(0, 80) : String(err).slice(0, 80);

/** Our checkouts, one unit each, spread uniformly over `skus` (one SKU: the flash sale). */
export function checkoutLoad(env: Env, w: Window, skus: string[]): Promise<LoadResult> {
  const tokens = env.catalog.buyerTokens;
  return closedLoop({
    ...w,
    meter: env.meter,
    processes: env.mesh.processes,
    classify,
    call: async (worker) => {
      const productId = skus.length === 1 ? skus[0]! : skus[Math.floor(Math.random() * skus.length)]!;
      await env.clients.order.checkout(
        { items: [{ productId, quantity: 1 }], idempotencyKey: randomUUID() },
        { bearerToken: tokens[worker % tokens.length]! },
      );
    },
  });
}

/** GetProduct over REST through the gateway, then the same RPC over gRPC, same concurrency. */
export async function gatewayRound(env: Env, w: Window): Promise<{ rest: LoadResult; grpc: LoadResult }> {
  const productId = env.catalog.products.hot;
  const token = env.catalog.buyerTokens[0]!;
  const url = `${env.mesh.addresses.gateway}/v1/products/${productId}`;
  const common = { ...w, meter: env.meter, processes: env.mesh.processes, classify };
  const rest = await closedLoop({
    ...common,
    call: async () => {
      const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      const body = (await res.json()) as { product?: { productId?: string } };
      if (res.status !== 200 || body.product?.productId !== productId) throw new Error(`HTTP ${res.status}`);
    },
  });
  const grpc = await closedLoop({
    ...common,
    call: async () => {
      const { product } = await env.clients.product.getProduct({ productId }, { bearerToken: token });
      if (product?.productId !== productId) throw new Error("wrong product");
    },
  });
  return { rest, grpc };
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
