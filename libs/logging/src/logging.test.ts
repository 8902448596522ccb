import { describe, expect, it } from "vitest";
import { DrizzleQueryError } from "drizzle-orm";
import { startTracing, tracerFor } from "@wms/telemetry";
import { captureLog } from "@wms/testing";
import { createLogger, loggerFor } from "./index.js";

describe("createLogger", () => {
  it("writes exactly one service key, also for a service's logger made from the process's", () => {
    const out = captureLog();
    const mesh = createLogger("mesh", "info", out.stream);
    mesh.info("starting");
    loggerFor(mesh, "order").child({ rpc: "/wms.order.v1.OrderService/Checkout" }).info("rpc");
    loggerFor(loggerFor(mesh, "order"), "warehouse").info("again");
    expect(out.raw().match(/"service":/g)).toHaveLength(3);
    expect(out.records().map((r) => r.service)).toEqual(["mesh", "order", "warehouse"]);
  });

  it("censors secret fields and reduces database errors to fields that cannot quote parameters", () => {
    const out = captureLog();
    const log = createLogger("user", "debug", out.stream);
    const driverError = Object.assign(new Error('duplicate key value violates unique constraint "users_email_key"'), {
      code: "23505",
      constraint_name: "users_email_key",
      detail: "Key (email)=(buyer@example.com) already exists.",
      parameters: ["buyer@example.com", "s3cret-hash"],
    });
    log.error({ err: new DrizzleQueryError('insert into "users" values ($1, $2)', ["buyer@example.com", "s3cret-hash"], driverError) }, "rpc failed");
    log.debug({ password: "123456", request: { paymentReference: "psp-42", token: "eyJ.x.y" }, authorization: "Bearer eyJ.x.y" }, "input");
    const raw = out.raw();
    for (const secret of ["123456", "psp-42", "eyJ.x.y", "s3cret-hash", "buyer@example.com", "insert into"]) expect(raw).not.toContain(secret);
    const [failed, input] = out.records();
    expect(failed?.err).toMatchObject({
      type: "DrizzleQueryError",
      message: "database query failed",
      cause: { message: 'duplicate key value violates unique constraint "users_email_key"', code: "23505", constraint_name: "users_email_key" },
    });
    expect(input).toMatchObject({ password: "[redacted]", authorization: "[redacted]", request: { paymentReference: "[redacted]", token: "[redacted]" } });
  });

  it("censors one level down in child bindings too, and never changes the caller's objects", () => {
    const out = captureLog();
    const log = createLogger("order", "info", out.stream).child({ peer: { authorization: "Bearer eyJ.b.c", name: "product" } });
    const request = { token: "eyJ.x.y", items: [{ token: "in-a-list" }], sku: "A-1" };
    log.info({ request, password: "123456", ok: { sku: "B-2" } }, "call");
    expect(request.token).toBe("eyJ.x.y");
    const [line] = out.records();
    expect(line).toMatchObject({ peer: { authorization: "[redacted]", name: "product" }, password: "[redacted]", request: { token: "[redacted]", sku: "A-1" }, ok: { sku: "B-2" } });
    // Two levels down is not a path we censor (as with pino's `*.token`): lists stay as they are.
    expect(line?.request).toMatchObject({ items: [{ token: "in-a-list" }] });
    expect(out.raw()).not.toContain("eyJ");
  });

  it("adds trace_id and span_id inside a span, and nothing outside", async () => {
    await startTracing({ OTEL_TRACES_EXPORTER: "none" });
    const out = captureLog();
    const log = createLogger("order", "info", out.stream);
    const ids = await tracerFor("order").startActiveSpan("work", async (span) => {
      await new Promise((r) => setTimeout(r, 1));
      log.info("inside");
      span.end();
      return span.spanContext();
    });
    log.info("outside");
    const [inside, outside] = out.records();
    expect(inside).toMatchObject({ trace_id: ids.traceId, span_id: ids.spanId });
    expect(ids.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(outside).not.toHaveProperty("trace_id");
  });
});
