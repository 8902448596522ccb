import type { ChannelOptions } from "@grpc/grpc-js";

/**
 * Every client channel balances round-robin over all the addresses its target resolves to
 * (grpc-js's default, pick_first, would send everything to the first replica), pings an idle
 * connection so a dead peer is noticed before a call waits on it, and is told that a replica
 * went away (GOAWAY) when it drains. A peer that went away is tried again at least every
 * second: grpc-js's default backoff grows to 120 s, so a replica back after an outage of some
 * seconds stayed unused (its callers answering UNAVAILABLE) for as long again.
 */
export const channelOptions: ChannelOptions = {
  "grpc.service_config": JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] }),
  "grpc.keepalive_time_ms": 30_000,
  "grpc.keepalive_timeout_ms": 10_000,
  "grpc.initial_reconnect_backoff_ms": 250,
  "grpc.max_reconnect_backoff_ms": 1_000,
};

/**
 * The grpc-js target for a `<NAME>_SERVICE_ADDR` value:
 * - `host:port` as it is (one address, or a DNS name whose records are all used);
 * - `dns:///name:port` as it is (a headless Kubernetes Service: one record per pod);
 * - `a:port,b:port,…` (IP addresses or localhost) as grpc-js's static `ipv4:`/`ipv6:` list.
 */
export function channelTarget(address: string): string {
  const parts = address
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "");
  if (parts.length <= 1) return parts[0] ?? address;
  const hosts = parts.map(splitHostPort);
  const family = hosts.every((h) => h.family === 4) ? "ipv4" : hosts.every((h) => h.family === 6) ? "ipv6" : undefined;
  if (!family) {
    throw new Error(
      `${address}: a list of addresses must be IP addresses of one family (or localhost); for names use one dns:/// name with several records`,
    );
  }
  return `${family}:${hosts.map((h) => (family === "ipv6" ? `[${h.host}]:${h.port}` : `${h.host}:${h.port}`)).join(",")}`;
}

function splitHostPort(part: string): { host: string; port: string; family: 4 | 6 | undefined } {
  const bracketed = /^\[([^\]]+)\]:(\d+)$/.exec(part);
  if (bracketed?.[1] && bracketed[2]) return { host: bracketed[1], port: bracketed[2], family: 6 };
  const plain = /^([^:]+):(\d+)$/.exec(part);
  if (!plain?.[1] || !plain[2]) throw new Error(`${part}: expected host:port`);
  const host = plain[1] === "localhost" ? "127.0.0.1" : plain[1];
  return { host, port: plain[2], family: /^\d{1,3}(\.\d{1,3}){3}$/.test(host) ? 4 : undefined };
}
