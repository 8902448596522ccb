import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoProducts } from "@wms/demo";
import { createTestDatabase, TEST_REDIS_URL } from "@wms/testing";
import { startMesh, restClient, type Mesh } from "../support/mesh.js";
import { startOtlpReceiver, type ReceivedSpan } from "../support/otlp-receiver.js";

const DEMO_PASSWORD = "123456";
const SERVER = 2;

// One REST checkout through the one-process mesh on PostgreSQL + Redis, traced to an OTLP/HTTP
// JSON receiver, scraped, and its logs read back: with the mesh's calls in-process (its
// default) and over loopback gRPC, which must show the same spans, metrics and logs.
describe.each(["true", "false"])("observability of a checkout (PostgreSQL + Redis, OTLP http/json, IN_PROCESS_CALLS=%s)", (inProcess) => {
  let mesh: Mesh;
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let drop: (() => Promise<void>) | undefined;
  let rest: ReturnType<typeof restClient>;
  let accessToken: string;
  let orderId: string;
  const paymentReference = `psp-${crypto.randomUUID()}`;
  const headphones = demoProducts.find((p) => p.name === "Wireless Headphones")!;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    const db = await createTestDatabase("observability_e2e");
    drop = db.drop;
    mesh = await startMesh({
      DATABASE_URL: db.url,
      REDIS_URLS: TEST_REDIS_URL,
      OTEL_TRACES_EXPORTER: "otlp",
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_BSP_SCHEDULE_DELAY: "100",
      LOG_LEVEL: "debug",
      IN_PROCESS_CALLS: inProcess,
    });
    rest = restClient(mesh.restUrl);
    const login = await rest("POST", "/v1/users:login", { body: { login: "dmp.buyer@domain.com", password: DEMO_PASSWORD } });
    expect(login.status).toBe(200);
    accessToken = login.json.accessToken as string;
    const placed = await rest("POST", "/v1/orders", { token: accessToken, body: { items: [{ productId: headphones.productId, quantity: 1 }] } });
    expect(placed.status).toBe(200);
    orderId = String((placed.json.order as Record<string, unknown>).orderId);
    const paid = await rest("POST", `/v1/orders/${orderId}:pay`, { token: accessToken, body: { paymentReference } });
    expect(paid.status).toBe(200);
  }, 120_000);

  afterAll(async () => {
    await mesh?.stop();
    await receiver?.close();
    await drop?.();
  });

  async function checkoutTrace(): Promise<ReceivedSpan[]> {
    const until = Date.now() + 15_000;
    for (;;) {
      const root = receiver.spans.find((s) => s.service === "gateway" && s.name === "POST /v1/orders");
      const trace = root ? receiver.spans.filter((s) => s.traceId === root.traceId) : [];
      const services = new Set(trace.map((s) => s.service));
      // Spans arrive as they end, parents after their children: the trace is whole once every
      // parent named has arrived too.
      const ids = new Set(trace.map((s) => s.spanId));
      const whole = trace.every((s) => s.parentSpanId === "" || ids.has(s.parentSpanId));
      if (whole && ["gateway", "order", "warehouse"].every((name) => services.has(name)) && trace.some((s) => s.name === "wms.warehouse.v1.WarehouseService/ReserveStock" && s.kind === SERVER)) return trace;
      if (Date.now() > until) throw new Error(`no complete checkout trace; spans received:\n${receiver.spans.map((s) => `${s.service} ${s.name}`).join("\n")}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it("one REST checkout is one trace across gateway, order and warehouse, with SQL and lock-wait child spans", async () => {
    const trace = await checkoutTrace();
    const ids = new Set(trace.map((s) => s.spanId));
    const roots = trace.filter((s) => s.parentSpanId === "");
    expect(roots.map((s) => `${s.service} ${s.name}`)).toEqual(["gateway POST /v1/orders"]);
    // Every other span hangs off a span of the same trace: the context crossed every hop.
    expect(trace.filter((s) => s.parentSpanId !== "" && !ids.has(s.parentSpanId))).toEqual([]);
    expect(roots[0]?.attributes).toMatchObject({ "http.request.method": "POST", "http.route": "/v1/orders", "http.response.status_code": 200 });

    const checkout = trace.find((s) => s.service === "order" && s.kind === SERVER && s.name === "wms.order.v1.OrderService/Checkout");
    expect(checkout?.attributes).toMatchObject({ "rpc.system": "grpc", "rpc.service": "wms.order.v1.OrderService", "rpc.method": "Checkout", "rpc.grpc.status_code": 0 });
    const reserve = trace.find((s) => s.service === "warehouse" && s.kind === SERVER && s.name === "wms.warehouse.v1.WarehouseService/ReserveStock");
    const reserveClient = trace.find((s) => s.service === "order" && s.spanId === reserve?.parentSpanId);
    expect(reserveClient?.name).toBe("wms.warehouse.v1.WarehouseService/ReserveStock");

    const sql = trace.filter((s) => s.attributes["db.system"] === "postgresql");
    // The batch write: WITH fresh AS (INSERT INTO warehouse.reservations ...) ...
    expect(sql.some((s) => s.service === "warehouse" && /^WITH .*reservations$/.test(s.name))).toBe(true);
    expect(sql.some((s) => s.service === "order")).toBe(true);
    for (const s of sql) {
      expect(String(s.attributes["db.query.text"])).not.toContain(DEMO_PASSWORD);
      expect(ids.has(s.parentSpanId)).toBe(true);
    }
    const lockWait = trace.find((s) => s.service === "warehouse" && s.name === "lock wait");
    expect(lockWait?.parentSpanId).toBe(reserve?.spanId);
  });

  it("/metrics has RPC durations by service, method and code, and the reservation counters", async () => {
    const text = await (await fetch(mesh.metricsUrl)).text();
    expect(text).toMatch(/^rpc_server_duration_seconds_count\{service="order",rpc_system="grpc",rpc_service="wms\.order\.v1\.OrderService",rpc_method="Checkout",rpc_grpc_status_code="0"\} 1$/m);
    expect(text).toMatch(/^rpc_client_duration_seconds_count\{service="order",.*rpc_method="ReserveStock",rpc_grpc_status_code="0"\} 1$/m);
    expect(text).toMatch(/^http_server_request_duration_seconds_count\{service="gateway",http_request_method="POST",http_route="\/v1\/orders",http_response_status_code="200"\} 1$/m);
    expect(text).toMatch(/^wms_reservations_total\{service="warehouse",event="made"\} 1$/m);
    expect(text).toMatch(/^wms_reservations_total\{service="warehouse",event="committed"\} 1$/m);
    expect(text).toMatch(/^wms_reservations_total\{service="warehouse",event="expired"\} 0$/m);
    expect(text).toMatch(/^wms_lock_wait_seconds_count\{service="warehouse",outcome="acquired"\} 1$/m);
    expect(text).toMatch(/^wms_reservation_sweeper_lag_seconds\{service="warehouse"\} 0$/m);
    expect(text).toMatch(/^db_client_connections_max\{service="order"\} \d+$/m);
    // Every query and transaction of the flow gave its connection back (a leak would count each
    // of its dozens of statements); only the order sweeper's own query may be in flight now.
    const inUse = Number(/^db_client_connections_in_use\{service="order"\} (\d+)$/m.exec(text)?.[1]);
    expect(inUse).toBeLessThanOrEqual(1);
    expect(text).toMatch(/^nodejs_eventloop_lag_p99_seconds /m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes /m);
  });

  it("logs carry one service and the trace ids, and never the password, a token or the payment reference", async () => {
    await checkoutTrace();
    const lines = mesh
      .output()
      .split("\n")
      .filter((l) => l.startsWith("{"));
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) expect(line.match(/"service":/g)?.length, line).toBe(1);
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const checkoutLine = records.find((r) => r.rpc === "/wms.order.v1.OrderService/Checkout");
    expect(checkoutLine).toMatchObject({ service: "order", code: "OK", msg: "rpc" });
    const httpLine = records.find((r) => r.msg === "http request" && r.path === "/v1/orders");
    expect(httpLine?.service).toBe("gateway");
    expect(checkoutLine?.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(httpLine?.trace_id).toBe(checkoutLine?.trace_id);
    for (const r of records.filter((x) => typeof x.rpc === "string")) expect(r.trace_id, JSON.stringify(r)).toMatch(/^[0-9a-f]{32}$/);

    const output = mesh.output();
    expect(output).not.toContain(DEMO_PASSWORD);
    expect(output).not.toContain(accessToken);
    expect(output).not.toContain(accessToken.split(".")[2]);
    expect(output).not.toContain(paymentReference);
  });
});
