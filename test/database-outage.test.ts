import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "@wms/db";
import { pino } from "pino";
import { createPrivatePostgres, type PrivatePostgres } from "./support/private-postgres.js";
import { startInProcessMesh, type InProcessMesh } from "./support/in-process-mesh.js";
import { allRpcPaths, createWorld, rpcCatalog, type World } from "./support/rpc-catalog.js";
import { restClient } from "./support/mesh.js";

// PostgreSQL stopped under the mesh (its own cluster, never the shared one): every RPC answers
// UNAVAILABLE within its deadline, REST answers 503, nothing hangs or says INTERNAL; started
// again, the services reconnect by themselves.
const DEADLINE_MS = 4_000;
let pg: PrivatePostgres;
let mesh: InProcessMesh;
let world: World;
let rest: ReturnType<typeof restClient>;

beforeAll(async () => {
  pg = await createPrivatePostgres();
  await pg.start();
  mesh = await startInProcessMesh({ label: "outage", databaseUrl: pg.url, env: { DB_CONNECT_TIMEOUT: "1s", DB_STATEMENT_TIMEOUT: "2s" }, logger: process.env.OUTAGE_LOG ? pino({ level: "info" }, pino.destination(process.env.OUTAGE_LOG)) : undefined });
  world = await createWorld(mesh);
  rest = restClient(mesh.restUrl);
}, 120_000);
afterAll(async () => {
  world?.grpc.close();
  await mesh?.stop().catch(() => undefined);
  await pg?.destroy();
});

interface Prepared {
  path: string;
  request: Record<string, unknown>;
  token: string | undefined;
}

/** Each RPC's valid request and a caller it serves, prepared while the database is up. */
async function prepareAll(): Promise<Prepared[]> {
  const tokenFor = (serves: string[]) =>
    serves.includes("service") && !serves.includes("owner") && !serves.includes("buyer")
      ? world.tokens.service
      : serves.includes("owner")
        ? world.tokens.owner
        : serves.includes("buyer")
          ? world.tokens.buyer
          : undefined;
  const out: Prepared[] = [];
  for (const entry of rpcCatalog) {
    const token = tokenFor(entry.serves);
    out.push({ path: entry.path, request: await entry.request(world, token === world.tokens.service ? "service" : undefined), token });
  }
  return out;
}

describe("PostgreSQL stopped", () => {
  it("every RPC answers UNAVAILABLE within its deadline, REST 503; all recover after restart", async () => {
    expect(rpcCatalog.map((e) => e.path).sort()).toEqual(allRpcPaths().sort());
    const prepared = await prepareAll();
    const up = await callInTurn(prepared);
    expect(up.filter((o) => ["INTERNAL", "UNAVAILABLE", "DEADLINE_EXCEEDED"].includes(o.code))).toEqual([]);

    const fresh = await prepareAll();
    await pg.stop();
    const down = await Promise.all(fresh.map(async (p) => ({ path: p.path, ...(await world.call(p.path, p.request, p.token, DEADLINE_MS)) })));
    const summary = down.map((o) => `${o.path.split("/")[1]} ${o.code} ${o.reason ?? ""} ${Math.round(o.ms)}ms`);
    for (const outcome of down) {
      expect(outcome.code, summary.join("\n")).toBe("UNAVAILABLE");
      expect(outcome.ms, summary.join("\n")).toBeLessThan(DEADLINE_MS);
    }

    const restStarted = performance.now();
    const restDown = [
      await rest("GET", `/v1/products/${world.productId}`),
      await rest("POST", "/v1/orders", { body: { items: [{ productId: world.productId, quantity: 1 }], idempotencyKey: newId() }, token: world.tokens.buyer }),
      await rest("POST", `/v1/warehouses/${world.warehouseIds[0]}/stock:add`, { body: { productId: world.productId, quantity: 1, idempotencyKey: newId() }, token: world.tokens.owner }),
      await rest("POST", "/v1/users:login", { body: { login: "a@example.com", password: "12345678" } }),
    ];
    expect(restDown.map((r) => r.status)).toEqual([503, 503, 503, 503]);
    expect(performance.now() - restStarted).toBeLessThan(DEADLINE_MS);
    for (const r of restDown) expect(JSON.stringify(r.json)).not.toMatch(/select|insert|update|127\.0\.0\.1|ECONNREFUSED|stack/i);

    await pg.start();
    const afterRestart = await prepareUntilUp();
    const recovered = await callInTurn(afterRestart);
    // Recovered: every RPC answers as it did before the outage.
    expect(recovered.map((o) => `${o.path} ${o.code}`)).toEqual(up.map((o) => `${o.path} ${o.code}`));
  });
});

/** One call after another, with room to spare: the baseline and the recovery, not the outage. */
async function callInTurn(prepared: Prepared[]) {
  const out = [];
  for (const p of prepared) out.push({ path: p.path, ...(await world.call(p.path, p.request, p.token, 15_000)) });
  return out;
}

/** Requests for every RPC once the database answers again (the services reconnect on their own). */
async function prepareUntilUp(): Promise<Prepared[]> {
  const until = Date.now() + 20_000;
  for (;;) {
    try {
      return await prepareAll();
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

describe("PostgreSQL stopped under load", () => {
  it("no call hangs past its deadline or says INTERNAL; every accepted receipt is in the ledger", async () => {
    const deadlineMs = 3_000;
    const outcomes: Array<{ rpc: string; code: string; ms: number }> = [];
    const accepted: bigint[] = [];
    const [before] = await mesh.sql`select on_hand::text as n from warehouse.stock_levels where warehouse_id = ${world.warehouseIds[0]} and product_id = ${world.productId}`;
    let running = true;
    const loop = async (rpc: string, request: () => Record<string, unknown>, token: string, onOk?: (req: Record<string, unknown>) => void) => {
      while (running) {
        const req = request();
        const outcome = await world.call(rpc, req, token, deadlineMs);
        outcomes.push({ rpc: rpc.split("/")[1]!, code: outcome.code, ms: outcome.ms });
        if (outcome.code === "OK") onOk?.(req);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const addStock = "wms.warehouse.v1.WarehouseService/AddStock";
    const loops = [
      loop("wms.order.v1.OrderService/Checkout", () => ({ items: [{ productId: world.productId, quantity: 1n }], idempotencyKey: newId() }), world.tokens.buyer),
      loop("wms.product.v1.ProductService/GetProduct", () => ({ productId: world.productId }), ""),
      loop(addStock, () => ({ warehouseId: world.warehouseIds[0], productId: world.productId, quantity: 2n, idempotencyKey: newId() }), world.tokens.owner, (req) =>
        accepted.push(req.quantity as bigint),
      ),
      loop("wms.order.v1.OrderService/ListOrders", () => ({}), world.tokens.buyer),
    ];
    await new Promise((r) => setTimeout(r, 1_000));
    await pg.stop();
    await new Promise((r) => setTimeout(r, 2_500));
    await pg.start();
    await new Promise((r) => setTimeout(r, 3_000));
    running = false;
    await Promise.all(loops);

    const codes = new Set(outcomes.map((o) => o.code));
    expect([...codes].filter((c) => !["OK", "UNAVAILABLE"].includes(c)), JSON.stringify(outcomes.filter((o) => !["OK", "UNAVAILABLE"].includes(o.code)))).toEqual([]);
    expect(Math.max(...outcomes.map((o) => o.ms))).toBeLessThan(deadlineMs);
    expect(codes).toContain("UNAVAILABLE");
    // It came back: the last calls of every loop succeeded again.
    for (const rpc of ["Checkout", "GetProduct", "AddStock", "ListOrders"]) expect(outcomes.filter((o) => o.rpc === rpc).at(-1)?.code, rpc).toBe("OK");
    // Every receipt answered OK is on hand; one answered UNAVAILABLE may have committed just
    // before the connection went (the client retries it with the same idempotency key).
    const [after] = await mesh.sql`select on_hand::text as n from warehouse.stock_levels where warehouse_id = ${world.warehouseIds[0]} and product_id = ${world.productId}`;
    const attempted = outcomes.filter((o) => o.rpc === "AddStock").length * 2;
    const gained = Number(after!.n) - Number(before!.n);
    expect(gained).toBeGreaterThanOrEqual(accepted.length * 2);
    expect(gained).toBeLessThanOrEqual(attempted);
    const mismatched = await mesh.sql`
      with ledger as (
        select warehouse_id, product_id,
          sum(case when kind in ('RECEIPT', 'TRANSFER_IN', 'ADJUSTMENT') then quantity when kind in ('TRANSFER_OUT', 'COMMIT') then -quantity else 0 end) as on_hand,
          sum(case when kind = 'RESERVE' then quantity when kind in ('RELEASE', 'COMMIT') then -quantity else 0 end) as reserved
        from warehouse.stock_movements group by 1, 2)
      select l.warehouse_id from warehouse.stock_levels l left join ledger g using (warehouse_id, product_id)
      where l.on_hand <> coalesce(g.on_hand, 0) or l.reserved <> coalesce(g.reserved, 0)`;
    expect(mismatched).toEqual([]);
  });
});

