import { describe, expect, it } from "vitest";
import { CheckoutRequest } from "@wms/proto/order";
import { checkoutBody, grpcFrame, h2loadArgs, parseH2loadLog, parseH2loadSummary } from "./h2load.js";
import { parseOutsideOptions } from "./options.js";
import { made, rpcOutcomes } from "./outcomes.js";
import { childrenCpuMs, installCommand, redactCommand, shellCommand } from "./tools.js";
import { checkoutScript, parseWrkResult, wrkArgs } from "./wrk.js";

const SKU = "01a216b6-e7db-7716-9031-aa543eed3f6f";

describe("the gRPC body h2load posts", () => {
  it("is a 0 flag byte, a big-endian length, then the message", () => {
    const frame = grpcFrame(Uint8Array.from([1, 2, 3]));
    expect([...frame]).toEqual([0, 0, 0, 0, 3, 1, 2, 3]);
    expect(grpcFrame(new Uint8Array(300)).readUInt32BE(1)).toBe(300);
  });

  it("decodes back to a one-unit checkout with no idempotency key", () => {
    const body = checkoutBody(SKU);
    expect(body[0]).toBe(0);
    expect(body.readUInt32BE(1)).toBe(body.length - 5);
    expect(CheckoutRequest.decode(body.subarray(5))).toEqual({ items: [{ productId: SKU, quantity: 1 }], idempotencyKey: "" });
  });
});

describe("h2load", () => {
  it("posts with the gRPC headers and the token, timed, logging each request", () => {
    const args = h2loadArgs({ target: "http://127.0.0.1:5000", bodyFile: "b.bin", token: "tok", connections: 1, streamsPerConnection: 64, seconds: 8, logFile: "l.log" });
    expect(args).toEqual([
      "-t", "1", "-c", "1", "-m", "64", "-D", "8", "-d", "b.bin",
      "-H", "content-type: application/grpc", "-H", "te: trailers", "-H", "authorization: Bearer tok",
      "--log-file=l.log", "http://127.0.0.1:5000/wms.order.v1.OrderService/Checkout",
    ]);
  });

  it("reads the per-request log: 200s with their latency, other statuses apart", () => {
    const log = ["1700000000000000\t200\t250000", "1700000000100000\t200\t150000", "1700000000200000\t503\t1000", ""].join("\n");
    const out = parseH2loadLog(log);
    expect(out).toEqual({ http200: 2, otherStatus: { "503": 1 }, latenciesMs: [250, 150] });
    // Several processes' logs add up.
    expect(parseH2loadLog("1700000001000000\t200\t1000\n", out).http200).toBe(3);
  });

  it("reads its summary", () => {
    const stdout = `finished in 8.00s, 259.75 req/s, 120.10KB/s
requests: 2078 total, 2142 started, 2078 done, 2078 succeeded, 0 failed, 0 errored, 0 timeout
status codes: 2078 2xx, 0 3xx, 0 4xx, 0 5xx`;
    expect(parseH2loadSummary(stdout)).toEqual({ seconds: 8, reqPerS: 259.75, done: 2078, succeeded: 2078, failed: 0, errored: 0, timeout: 0 });
    expect(parseH2loadSummary("finished in 850.5ms, 10.00 req/s\nrequests: 9 total, 9 started, 9 done, 8 succeeded, 1 failed, 1 errored, 0 timeout").seconds).toBeCloseTo(0.8505);
    expect(() => parseH2loadSummary("connect error")).toThrow(/no summary/);
  });
});

describe("wrk", () => {
  it("gets a script that picks a SKU at random, keys each request and reports one JSON line", () => {
    const script = checkoutScript([SKU, "01a216b6-0000-7716-9031-aa543eed3f6f"], ["eyJ.a-b_c.d"]);
    expect(script).toContain(`local skus = { "${SKU}", "01a216b6-0000-7716-9031-aa543eed3f6f" }`);
    expect(script).toContain("math.random(#skus)");
    expect(script).toContain(`"idempotencyKey":"' .. run_tag .. '-' .. thread_id .. '-' .. sent .. '"`);
    expect(script).toContain('wrk.format("POST", "/v1/orders"');
    expect(() => checkoutScript(['x"; os.exit()'], ["t"])).toThrow(/not a safe Lua literal/);
  });

  it("runs with a long timeout and the run tag after --", () => {
    expect(wrkArgs({ gateway: "http://127.0.0.1:8080", scriptFile: "s.lua", connections: 64, threads: 2, seconds: 8, runTag: "run1" })).toEqual([
      "-t", "2", "-c", "64", "-d", "8s", "--timeout", "30s", "-s", "s.lua", "http://127.0.0.1:8080/v1/orders", "--", "run1",
    ]);
  });

  it("reads the WRK_RESULT line", () => {
    const stdout = `Running 8s test @ http://127.0.0.1:1/v1/orders
WRK_RESULT {"requests":2571,"duration_us":8070000,"connect":0,"read":0,"write":0,"status":3,"timeout":1,"p50_us":192800,"p99_us":286400,"mean_us":199000.5}
`;
    expect(parseWrkResult(stdout)).toEqual({
      requests: 2571, seconds: 8.07, statusErrors: 3, socketErrors: { connect: 0, read: 0, write: 0, timeout: 1 }, p50Ms: 192.8, p99Ms: 286.4, meanMs: 199.0005,
    });
    expect(() => parseWrkResult("Running 8s test")).toThrow(/no WRK_RESULT/);
  });
});

describe("what a run made", () => {
  it("is the difference of two readings", () => {
    const before = { orders: { PENDING_PAYMENT: 10, FAILED: 1 }, reservedUnits: 10 };
    const after = { orders: { PENDING_PAYMENT: 110, FAILED: 3, PENDING: 0 }, reservedUnits: 110 };
    expect(made(before, after)).toEqual({ orders: 100, failedOrders: 2, pending: 0, reservedUnits: 100 });
  });

  it("counts the mesh's rpc lines of one method by code and reason", () => {
    const path = "/wms.order.v1.OrderService/Checkout";
    const lines = [
      `{"level":30,"service":"order","rpc":"${path}","code":"OK","ms":4,"msg":"rpc"}`,
      `{"level":30,"service":"order","rpc":"${path}","code":"OK","ms":4,"msg":"rpc"}`,
      `{"level":30,"service":"order","rpc":"${path}","code":"FAILED_PRECONDITION","reason":"INSUFFICIENT_STOCK","msg":"rpc"}`,
      `{"level":40,"service":"order","rpc":"${path}","code":"UNAVAILABLE","msg":"rpc failed"}`,
      `{"level":30,"service":"warehouse","rpc":"/wms.warehouse.v1.WarehouseService/ReserveStock","code":"OK","msg":"rpc"}`,
      `{"level":30,"service":"order","rpc":"${path}","msg":"something else"}`,
      `{"level":30,"rpc":"${path}","code":"OK"`, // cut off mid-line
    ].join("\n");
    expect(rpcOutcomes(lines, path)).toEqual({ OK: 2, "FAILED_PRECONDITION:INSUFFICIENT_STOCK": 1, UNAVAILABLE: 1 });
  });
});

describe("tools", () => {
  it("reads a waited-for child's CPU from its parent's stat (cutime + cstime)", () => {
    const fields = Array.from({ length: 50 }, (_, i) => String(i + 3)); // field n holds n
    expect(childrenCpuMs(`123 (sh) ${fields.join(" ")}`, 100)).toBe(((16 + 17) * 1000) / 100);
  });

  it("names the Debian packages to install", () => {
    expect(installCommand(["h2load", "wrk"])).toBe("apt-get update && apt-get install -y nghttp2-client wrk");
  });

  it("prints commands as a shell takes them, without tokens", () => {
    const line = shellCommand("h2load", ["-H", "te: trailers", "-H", "authorization: Bearer eyJ.x", "-d", "/tmp/d/b.bin", "it's"]);
    expect(line).toBe(`h2load -H 'te: trailers' -H 'authorization: Bearer eyJ.x' -d /tmp/d/b.bin 'it'\\''s'`);
    expect(redactCommand(line, ["eyJ.x"], "/tmp/d")).toBe(`h2load -H 'te: trailers' -H "authorization: Bearer $BUYER_TOKEN" -d b.bin 'it'\\''s'`);
  });
});

describe("options", () => {
  it("quick: one round of 8 s windows after 2 s of warm-up; both workloads, both tools", () => {
    expect(parseOutsideOptions(["--quick"])).toMatchObject({ rounds: 1, durationMs: 8000, warmupMs: 2000, only: ["hot_sku", "spread"], tools: ["h2load", "wrk"], concurrency: 64, h2Connections: 1, out: "bench/results/outside.json" });
    expect(parseOutsideOptions([])).toMatchObject({ rounds: 3, durationMs: 15000, warmupMs: 5000 });
  });

  it("refuses what it cannot run", () => {
    expect(() => parseOutsideOptions(["--only", "gateway"])).toThrow(/unknown gateway/);
    expect(() => parseOutsideOptions(["--tools", "ab"])).toThrow(/unknown ab/);
    expect(() => parseOutsideOptions(["--h2-connections", "3"])).toThrow(/divide/);
    expect(() => parseOutsideOptions(["--duration", "1.5"])).toThrow(/positive integer/);
    expect(() => parseOutsideOptions(["--bogus"])).toThrow();
  });
});
