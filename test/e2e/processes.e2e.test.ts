import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoProducts, demoWarehouses } from "@wms/demo";
import { assertLedgerMatchesLevels } from "@wms/testing";
import { restClient, errorReason } from "../support/mesh.js";
import { startProcessMesh, type ProcessMesh } from "../support/process-mesh.js";
import { startRedisNodes, type RedisNodes } from "../support/redis-nodes.js";

// `npm run mesh` as a deployment runs: every replica its own OS process (two order, two
// warehouse), Redlock over three Redis nodes of its own, replicas stopped under load.
const GRACE_MS = 3_000;

describe("every service its own process, three Redis nodes", () => {
  let redis: RedisNodes;
  let mesh: ProcessMesh;
  let rest: ReturnType<typeof restClient>;
  let seller: string;
  let buyer: string;
  const shopId = demoWarehouses[0]!.shopId;
  const mainWarehouse = demoWarehouses.find((w) => w.shopId === shopId && w.name === "Main")!.warehouseId;

  const login = async (name: string) => (await rest("POST", "/v1/users:login", { body: { login: name, password: "123456" } })).json.accessToken as string;
  async function productWithStock(name: string, quantity: number): Promise<string> {
    const created = await rest("POST", `/v1/shops/${shopId}/products`, { token: seller, body: { name, description: "", priceCents: "100" } });
    expect(created.status, JSON.stringify(created.json)).toBe(200);
    const productId = String((created.json.product as Record<string, string>).productId);
    const added = await rest("POST", `/v1/warehouses/${mainWarehouse}/stock:add`, { token: seller, body: { productId, quantity: String(quantity), idempotencyKey: `stock-${name}` } });
    expect(added.status, JSON.stringify(added.json)).toBe(200);
    return productId;
  }
  const checkout = (productId: string, key: string) => rest("POST", "/v1/orders", { token: buyer, body: { items: [{ productId, quantity: 1 }], idempotencyKey: key } });
  /** How many answered RPCs (`"msg":"rpc"` log lines) each process printed, by process name. */
  const rpcLines = (method: string) => {
    const counts: Record<string, number> = {};
    for (const line of mesh.output().split("\n")) {
      if (!line.includes(`"msg":"rpc"`) || !line.toLowerCase().includes(method.toLowerCase())) continue;
      const name = line.split(" | ")[0]!.trim();
      counts[name] = (counts[name] ?? 0) + 1;
    }
    return counts;
  };

  beforeAll(async () => {
    redis = await startRedisNodes(3);
    // info: each process logs its answered RPCs, which shows how calls spread over replicas.
    mesh = await startProcessMesh({ REDIS_URLS: redis.urls.join(","), LOG_LEVEL: "info", SHUTDOWN_GRACE: `${GRACE_MS}ms`, DB_POOL_SIZE: "2" });
    rest = restClient(mesh.restUrl);
    seller = await login("dmp.seller@domain.com");
    buyer = await login("dmp.buyer@domain.com");
  }, 240_000);
  afterAll(async () => {
    await mesh?.stop();
    await redis?.stop();
  }, 60_000);

  it("runs eight node processes: two order, two warehouse, one of each other service, the gateway", () => {
    const running = mesh.launched.processes.filter((p) => p.running);
    expect(running.map((p) => p.name).sort()).toEqual(["gateway", "order-1", "order-2", "product", "shop", "user", "warehouse-1", "warehouse-2"]);
    const pids = new Set(running.map((p) => p.pid));
    expect(pids.size).toBe(8);
    for (const pid of pids) expect(readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[0]).toBe(process.execPath);
    expect(mesh.grpc.order.split(",")).toHaveLength(2);
    expect(mesh.grpc.warehouse.split(",")).toHaveLength(2);
  });

  it("sells a hot SKU exactly once per unit across two order and two warehouse replicas and three Redis nodes", async () => {
    const stock = 25;
    const productId = await productWithStock("hot-sku", stock);
    const before = await redis.commandCounts();
    // A buyer told to try again (the lock wait ran out: 409 ABORTED, or 503) retries with the
    // same key, as a client should; every buyer ends with an order or INSUFFICIENT_STOCK.
    const buyOne = async (key: string) => {
      for (let attempt = 1; ; attempt++) {
        const answer = await checkout(productId, key);
        if ((answer.status !== 409 && answer.status !== 503) || attempt === 10) return answer;
      }
    };
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => buyOne(`hot-${i}`)));
    const sold = answers.filter((a) => a.status === 200);
    const refused = answers.filter((a) => a.status !== 200);
    expect(sold).toHaveLength(stock);
    for (const r of refused) expect([r.status, errorReason(r.json)], JSON.stringify(r.json)).toEqual([400, "INSUFFICIENT_STOCK"]);
    const product = await rest("GET", `/v1/products/${productId}`);
    expect(Number((product.json.product as Record<string, string>).availableQuantity)).toBe(0);

    // Both replicas of each took part, and every Redis node voted on the locks.
    const checkouts = rpcLines("OrderService/checkout");
    expect(checkouts["order-1"], JSON.stringify(checkouts)).toBeGreaterThan(0);
    expect(checkouts["order-2"], JSON.stringify(checkouts)).toBeGreaterThan(0);
    const reserves = rpcLines("WarehouseService/reserveStock");
    expect(reserves["warehouse-1"], JSON.stringify(reserves)).toBeGreaterThan(0);
    expect(reserves["warehouse-2"], JSON.stringify(reserves)).toBeGreaterThan(0);
    const after = await redis.commandCounts();
    after.forEach((count, i) => expect(count).toBeGreaterThan(before[i]!));

    const sql = postgres(mesh.databaseUrl, { max: 1, onnotice: () => undefined });
    try {
      await assertLedgerMatchesLevels((statement) => sql.unsafe(statement), [productId]);
    } finally {
      await sql.end({ timeout: 1 });
    }
  });

  it("loses no accepted checkout when an order replica gets SIGTERM under load, and that replica exits within the grace", async () => {
    const productId = await productWithStock("steady-sku", 100_000);
    const accepted: string[] = [];
    const otherAnswers: string[] = [];
    let running = true;
    let n = 0;
    const worker = async () => {
      while (running) {
        const key = `load-${n++}`;
        const res = await checkout(productId, key);
        if (res.status === 200) accepted.push(String((res.json.order as Record<string, string>).orderId));
        else otherAnswers.push(`${res.status} ${errorReason(res.json) ?? ""}`);
      }
    };
    const workers = Array.from({ length: 6 }, worker);
    await new Promise((r) => setTimeout(r, 1_500));
    const victim = mesh.launched.replica("order", 0);
    const sent = Date.now();
    const code = await victim.stop("SIGTERM", 30_000);
    const tookMs = Date.now() - sent;
    await new Promise((r) => setTimeout(r, 1_000));
    running = false;
    await Promise.all(workers);

    expect(code).toBe(0);
    expect(tookMs).toBeLessThan(GRACE_MS + 2_000);
    expect(accepted.length).toBeGreaterThan(10);
    // A call refused while the replica drained may be retried by the client: 503, never a 500.
    for (const other of otherAnswers) expect(other).toMatch(/^503 /);
    for (const orderId of accepted) {
      const got = await rest("GET", `/v1/orders/${orderId}`, { token: buyer });
      expect(got.status, orderId).toBe(200);
      expect((got.json.order as Record<string, string>).status).toBe("ORDER_STATUS_PENDING_PAYMENT");
    }
    const product = await rest("GET", `/v1/products/${productId}`);
    expect(Number((product.json.product as Record<string, string>).availableQuantity)).toBe(100_000 - accepted.length);

    await victim.restart();
    expect(victim.running).toBe(true);
    expect((await checkout(productId, "after-restart")).status).toBe(200);
  });

  it("the gateway under keep-alive load closes its connections and exits within SHUTDOWN_GRACE + 5 s, answering every request it accepted", async () => {
    const target = new URL(`${mesh.restUrl}/v1/products/${demoProducts[0]!.productId}`);
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    const outcomes = { completed: 0, closeHeader: 0, refused: 0, failed: [] as string[] };
    let running = true;
    const one = () =>
      new Promise<void>((resolve) => {
        const req = request(target, { agent }, (res) => {
          let body = "";
          res.on("data", (c: Buffer) => (body += c.toString()));
          res.on("end", () => {
            if (res.statusCode === 200 && JSON.parse(body).product) outcomes.completed += 1;
            else outcomes.failed.push(`${res.statusCode} ${body.slice(0, 100)}`);
            if (res.headers.connection === "close") outcomes.closeHeader += 1;
            resolve();
          });
          res.on("error", (err) => {
            outcomes.failed.push(`response cut: ${err.message}`);
            resolve();
          });
        });
        // Refused before any response: a closed or refused connection, safe for the client to retry.
        req.on("error", (err: NodeJS.ErrnoException) => {
          if (["ECONNREFUSED", "ECONNRESET", "EPIPE"].includes(err.code ?? "")) outcomes.refused += 1;
          else outcomes.failed.push(`${err.code ?? ""} ${err.message}`);
          resolve();
        });
        req.end();
      });
    const worker = async () => {
      while (running) await one();
    };
    const workers = Array.from({ length: 8 }, worker);
    await new Promise((r) => setTimeout(r, 1_500));
    const gateway = mesh.launched.replica("gateway");
    const sent = Date.now();
    const code = await gateway.stop("SIGTERM", 30_000);
    const tookMs = Date.now() - sent;
    running = false;
    await Promise.all(workers);
    agent.destroy();

    expect(code).toBe(0);
    expect(tookMs).toBeLessThan(GRACE_MS + 5_000);
    expect(outcomes.failed).toEqual([]);
    expect(outcomes.completed).toBeGreaterThan(50);
    expect(outcomes.closeHeader).toBeGreaterThan(0);
    await gateway.restart();
    expect((await rest("GET", target.pathname)).status).toBe(200);
  });
});
