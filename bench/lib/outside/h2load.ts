import { CheckoutRequest } from "@wms/proto/order";

/** The gRPC method h2load posts to, as its HTTP/2 path. */
export const CHECKOUT_PATH = "/wms.order.v1.OrderService/Checkout";

/**
 * One gRPC message on the wire: a 0 byte (not compressed), its length as a big-endian uint32,
 * then the protobuf bytes (the gRPC-over-HTTP/2 length-prefixed message).
 */
export function grpcFrame(message: Uint8Array): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt32BE(message.length, 1);
  return Buffer.concat([head, message]);
}

/**
 * The request body of a one-unit checkout of `productId`. The idempotency key is empty, which
 * this API reads as "no idempotency" (services/order/src/domain/checkout.ts), so one fixed body
 * makes a new order every time it is posted.
 */
export function checkoutBody(productId: string): Buffer {
  return grpcFrame(CheckoutRequest.encode({ items: [{ productId, quantity: 1 }], idempotencyKey: "" }).finish());
}

export interface H2loadCommand {
  /** http://host:port of the order service's gRPC server (h2c, prior knowledge). */
  target: string;
  bodyFile: string;
  /** A buyer's access token; printed as $BUYER_TOKEN. */
  token: string;
  connections: number;
  streamsPerConnection: number;
  seconds: number;
  logFile?: string;
}

/** h2load's arguments for a timed run of gRPC checkouts: POST, the gRPC headers, one body. */
export function h2loadArgs(c: H2loadCommand): string[] {
  return [
    "-t", "1",
    "-c", String(c.connections),
    "-m", String(c.streamsPerConnection),
    "-D", String(c.seconds),
    "-d", c.bodyFile,
    "-H", "content-type: application/grpc",
    "-H", "te: trailers",
    "-H", `authorization: Bearer ${c.token}`,
    ...(c.logFile ? [`--log-file=${c.logFile}`] : []),
    `${c.target}${CHECKOUT_PATH}`,
  ];
}

export interface H2loadLog {
  /** Responses with HTTP status 200: gRPC successes AND gRPC errors (grpc-status is a trailer h2load does not read). */
  http200: number;
  /** Responses with another HTTP status, by status. */
  otherStatus: Record<string, number>;
  /** Latency of each 200 response, ms. */
  latenciesMs: number[];
}

/** Parses h2load's --log-file: start µs since epoch, HTTP status, µs to the end of the response. */
export function parseH2loadLog(text: string, into?: H2loadLog): H2loadLog {
  const out: H2loadLog = into ?? { http200: 0, otherStatus: {}, latenciesMs: [] };
  for (const line of text.split("\n")) {
    const [start, status, duration] = line.split("\t");
    if (duration === undefined) continue;
    const durationMs = Number(duration) / 1000;
    if (!Number.isFinite(Number(start)) || !Number.isFinite(durationMs)) continue;
    if (status === "200") {
      out.http200 += 1;
      out.latenciesMs.push(durationMs);
    } else {
      out.otherStatus[status ?? "?"] = (out.otherStatus[status ?? "?"] ?? 0) + 1;
    }
  }
  return out;
}

export interface H2loadSummary {
  /** From "finished in 8.00s, 95.12 req/s, …". */
  seconds: number;
  reqPerS: number;
  /** From "requests: N total, N started, N done, N succeeded, N failed, N errored, N timeout". */
  done: number;
  succeeded: number;
  failed: number;
  errored: number;
  timeout: number;
}

/** Parses the lines of h2load's own report that the bench keeps. */
export function parseH2loadSummary(stdout: string): H2loadSummary {
  const finished = /finished in ([\d.]+)(m?s), ([\d.]+) req\/s/.exec(stdout);
  const requests = /requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout/.exec(stdout);
  if (!finished || !requests) throw new Error(`h2load printed no summary:\n${stdout.slice(-1500)}`);
  return {
    seconds: Number(finished[1]) / (finished[2] === "ms" ? 1000 : 1),
    reqPerS: Number(finished[3]),
    done: Number(requests[3]),
    succeeded: Number(requests[4]),
    failed: Number(requests[5]),
    errored: Number(requests[6]),
    timeout: Number(requests[7]),
  };
}
