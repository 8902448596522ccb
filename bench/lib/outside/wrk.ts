/** The REST route of OrderService.Checkout through the gateway. */
export const CHECKOUT_ROUTE = "/v1/orders";

const luaString = (s: string) => {
  if (!/^[\w.:=+/-]*$/.test(s)) throw new Error(`not a safe Lua literal: ${s.slice(0, 40)}`);
  return `"${s}"`;
};

/**
 * A wrk script: every request a one-unit `POST /v1/orders` of a SKU picked uniformly at random
 * from `skus` (one SKU: the flash sale), with a fresh idempotency key (`<run tag>-<thread>-<n>`,
 * the run tag given after `--` so a warm-up and a measured run never share a key) and the
 * buyers' tokens in turn. done() prints one WRK_RESULT line of JSON for the bench to read.
 */
export function checkoutScript(skus: readonly string[], buyerTokens: readonly string[]): string {
  return `-- Written by bench/outside.ts: one-unit checkouts through the REST gateway.
local skus = { ${skus.map(luaString).join(", ")} }
local tokens = { ${buyerTokens.map(luaString).join(", ")} }
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end

function init(args)
  run_tag = args[1] or "wrk"
  sent = 0
  math.randomseed(os.time() * 100 + thread_id)
end

function request()
  sent = sent + 1
  local sku = skus[math.random(#skus)]
  local token = tokens[(sent + thread_id) % #tokens + 1]
  local body = '{"items":[{"productId":"' .. sku .. '","quantity":"1"}],"idempotencyKey":"' .. run_tag .. '-' .. thread_id .. '-' .. sent .. '"}'
  return wrk.format("POST", "${CHECKOUT_ROUTE}", { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK_RESULT {"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50_us":%d,"p99_us":%d,"mean_us":%.1f}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.mean))
end
`;
}

export interface WrkCommand {
  /** http://host:port of the gateway. */
  gateway: string;
  scriptFile: string;
  connections: number;
  threads: number;
  seconds: number;
  runTag: string;
}

/** wrk's arguments: a generous timeout, so a slow checkout is a latency, not a socket error. */
export function wrkArgs(c: WrkCommand): string[] {
  return ["-t", String(c.threads), "-c", String(c.connections), "-d", `${c.seconds}s`, "--timeout", "30s", "-s", c.scriptFile, `${c.gateway}${CHECKOUT_ROUTE}`, "--", c.runTag];
}

export interface WrkResult {
  /** Responses received, whatever their status. */
  requests: number;
  seconds: number;
  /** Responses with a status above 399. */
  statusErrors: number;
  socketErrors: { connect: number; read: number; write: number; timeout: number };
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
}

/** Reads the WRK_RESULT line the script's done() prints. */
export function parseWrkResult(stdout: string): WrkResult {
  const line = /^WRK_RESULT (\{.*\})$/m.exec(stdout);
  if (!line) throw new Error(`wrk printed no WRK_RESULT line:\n${stdout.slice(-1500)}`);
  const r = JSON.parse(line[1]!) as Record<string, number>;
  const num = (k: string) => {
    const v = r[k];
    if (typeof v !== "number") throw new Error(`WRK_RESULT without ${k}: ${line[1]}`);
    return v;
  };
  return {
    requests: num("requests"),
    seconds: num("duration_us") / 1e6,
    statusErrors: num("status"),
    socketErrors: { connect: num("connect"), read: num("read"), write: num("write"), timeout: num("timeout") },
    p50Ms: num("p50_us") / 1000,
    p99Ms: num("p99_us") / 1000,
    meanMs: num("mean_us") / 1000,
  };
}
