import { isIP } from "node:net";
import type { IncomingMessage } from "node:http";
import type { FileRegistry } from "@bufbuild/protobuf";
import { decodeStatusDetails, errors } from "@wms/errors";
import type { Metadata } from "@grpc/grpc-js";
import { TrustedProxies } from "@wms/grpc";
import { TokenBuckets } from "@wms/throttle";
import { gatewayErrorJson } from "./status-body.js";
import type { Reply } from "./reply.js";

export interface RateLimitOptions {
  /** Requests per second one client address may keep up; 0 turns the limit off. */
  ratePerSecond: number;
  /** Requests one address may make at once; default: one second's worth (at least 1). */
  burst?: number;
  /** The clock in ms (tests). */
  now?: () => number;
}

/**
 * Who a REST request came from, and whether it may go on: the client's address (the socket's
 * peer, or the nearest untrusted `x-forwarded-for` hop when the peer is a trusted proxy such
 * as a load balancer, GATEWAY_TRUSTED_PROXIES) and a token bucket per address.
 */
export class ClientLimits {
  private readonly proxies: TrustedProxies;
  private readonly buckets: TokenBuckets | undefined;

  constructor(trustedProxies: readonly string[], rateLimit: RateLimitOptions | undefined) {
    this.proxies = new TrustedProxies(trustedProxies);
    if (rateLimit && rateLimit.ratePerSecond > 0) {
      const burst = rateLimit.burst ?? Math.max(1, Math.ceil(rateLimit.ratePerSecond));
      this.buckets = new TokenBuckets({ ratePerSecond: rateLimit.ratePerSecond, burst, now: rateLimit.now });
    }
  }

  clientAddress(req: IncomingMessage): string | undefined {
    const forwarded = req.headers["x-forwarded-for"];
    return this.proxies.clientAddress(req.socket.remoteAddress, Array.isArray(forwarded) ? forwarded.join(",") : forwarded);
  }

  /** A 429 with Retry-After when `address` is over its rate; undefined when the request may go on. */
  refusal(registry: FileRegistry, address: string | undefined): Reply | undefined {
    if (!this.buckets || !address) return undefined;
    const taken = this.buckets.take(address);
    if (taken.allowed) return undefined;
    const err = errors.resourceExhausted("RATE_LIMITED", "too many requests from this address; slow down", taken.retryAfterMs);
    return { status: 429, body: gatewayErrorJson(registry, err).body, headers: { "retry-after": retryAfterSeconds(taken.retryAfterMs) } };
  }
}

/** `Retry-After` for a status that carried google.rpc.RetryInfo; none otherwise. */
export function retryAfterHeader(metadata: Metadata | undefined): Record<string, string> | undefined {
  try {
    const { retryDelayMs } = decodeStatusDetails(metadata);
    return retryDelayMs === undefined ? undefined : { "retry-after": retryAfterSeconds(retryDelayMs) };
  } catch {
    return undefined;
  }
}

/** Whole seconds, rounded up and at least 1: `Retry-After: 0` would invite an immediate retry. */
function retryAfterSeconds(ms: number): string {
  return String(Math.max(1, Math.ceil(ms / 1000)));
}

/**
 * A transport failure's text (`connect ECONNREFUSED 10.0.0.7:50054`) with every IP address and
 * port replaced: the log says what failed and which service (logged beside it), never where
 * the mesh's hosts are.
 */
export function withoutAddresses(text: string): string {
  return text
    .replace(/\[([0-9a-f:.]+)\](?::\d+)?/gi, (m, inner: string) => (isIP(inner) ? "[address]" : m))
    .replace(/\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?\b/g, "[address]")
    .replace(/[0-9a-f]*:[0-9a-f:.]*/gi, (m) => (isIP(m) === 6 ? "[address]" : m));
}
