import { env, type ConfigOf } from "@wms/config";
import type { RateLimitOptions } from "./client-limits.js";
import { corsOriginsField } from "./cors.js";

/** The gateway's own variables, read by its standalone entry and by the one-process mesh. */
export const gatewayConfigSpec = {
  GATEWAY_HOST: env.string("127.0.0.1", "the gateway's listen address"),
  GATEWAY_PORT: env.port(8080),
  /** Largest request body accepted, in bytes; larger is 413. */
  GATEWAY_MAX_BODY: env.integer(1024 * 1024, 1024, 64 * 1024 * 1024),
  /** Browser origins allowed to call the API (CORS); none by default. */
  GATEWAY_CORS_ORIGINS: corsOriginsField,
  /** Longest a REST call waits for its service; past it the answer is 504. */
  GATEWAY_UPSTREAM_DEADLINE: env.duration("10s"),
  /** Load balancers in front whose `x-forwarded-for` names the client; none: the socket's peer is the client. */
  GATEWAY_TRUSTED_PROXIES: env.ipRangeList([]),
  /** REST requests per second one client address may keep up (token bucket); 0: no limit. */
  GATEWAY_RATE_LIMIT: env.integer(0, 0, 1_000_000),
  /** Requests one client address may make at once above the rate; 0: one second's worth. */
  GATEWAY_RATE_BURST: env.integer(0, 0, 10_000_000),
};

/** The abuse-limit options of startGateway from the loaded variables (standalone and mesh alike). */
export function gatewayLimits(config: ConfigOf<typeof gatewayConfigSpec>): { trustedProxies: string[]; rateLimit: RateLimitOptions } {
  return {
    trustedProxies: config.GATEWAY_TRUSTED_PROXIES,
    rateLimit: { ratePerSecond: config.GATEWAY_RATE_LIMIT, burst: config.GATEWAY_RATE_BURST > 0 ? config.GATEWAY_RATE_BURST : undefined },
  };
}
