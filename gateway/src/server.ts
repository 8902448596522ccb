import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { status as GrpcStatus, type ServiceError } from "@grpc/grpc-js";
import { toJson, type FileRegistry } from "@bufbuild/protobuf";
import { DomainError, errors, fromServiceError, UNEXPECTED_ERROR } from "@wms/errors";
import { loggerFor, type Logger } from "@wms/logging";
import { startTracing, stopTracing } from "@wms/telemetry";
import { descriptorRegistry } from "@wms/proto/descriptors";
import { httpStatusOf } from "./http-status.js";
import { BodyTooLargeError, DEFAULT_MAX_BODY_BYTES, readBody } from "./request-body.js";
import { buildRequestMessage, TranscodeError } from "./request-message.js";
import { corsPolicy } from "./cors.js";
import { docsEndpoints } from "./docs.js";
import { healthEndpoints } from "./health.js";
import { ownReply, type OwnEndpoint, type Reply } from "./reply.js";
import { buildRoutes, findRoute, type Route, type UpstreamName } from "./routes.js";
import { detailsForRest } from "./field-paths.js";
import { detailsFromTrailers, gatewayErrorJson, statusJson } from "./status-body.js";
import { isServiceError, UpstreamClients } from "./upstream.js";
import { observeHttpRequest, type RouteReporter } from "./http-telemetry.js";
import { ClientLimits, retryAfterHeader, withoutAddresses, type RateLimitOptions } from "./client-limits.js";

export interface GatewayOptions {
  host: string;
  port: number;
  /** host:port of each service. */
  upstreams: Record<UpstreamName, string>;
  /** Largest accepted request body; default 1 MiB. */
  maxBodyBytes?: number;
  /** Origins allowed to call from a browser (`*` for any); none by default. */
  corsOrigins?: string[];
  /** How long a call to a service may take before the client gets 504; default 10 s. */
  upstreamDeadlineMs?: number;
  /** Proxies in front (load balancers) whose `x-forwarded-for` names the client; none by default. */
  trustedProxies?: string[];
  /** Requests per client address (token bucket); off by default. Health and docs are not counted. */
  rateLimit?: RateLimitOptions;
  logger: Logger;
}

export interface RunningGateway {
  port: number;
  url: string;
  /**
   * Drains: /readyz answers 503, no new connection is accepted, idle keep-alive connections
   * close at once and busy ones after their current response (sent with `Connection: close`);
   * whatever is still open after `graceMs` (default 10 s) is cut.
   */
  close(graceMs?: number): Promise<void>;
}

/** The REST → gRPC gateway: routes come from the google.api.http annotations of the contracts. */
export async function startGateway(opts: GatewayOptions): Promise<RunningGateway> {
  await startTracing();
  const registry = descriptorRegistry();
  const routes = buildRoutes(registry);
  const clients = new UpstreamClients(opts.upstreamDeadlineMs);
  const maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const logger = loggerFor(opts.logger, "gateway");
  const cors = corsPolicy(opts.corsOrigins ?? [], routes.map((r) => r.httpMethod));
  const limits = new ClientLimits(opts.trustedProxies ?? [], opts.rateLimit);
  let draining = false;
  const ownEndpoints: OwnEndpoint[] = [healthEndpoints(registry, clients, opts.upstreams, () => draining), docsEndpoints(registry)];

  /** An own endpoint's path is fixed, so it is its own route in traces and metrics. */
  const ownEndpointReply = async (req: IncomingMessage, pathname: string, reportRoute: RouteReporter): Promise<Reply | undefined> => {
    const reply = await ownReply(ownEndpoints, req.method ?? "GET", pathname);
    if (reply) reportRoute(pathname);
    return reply;
  };

  const transcode = async (req: IncomingMessage, url: RequestTarget, reportRoute: RouteReporter): Promise<Reply> => {
    const httpMethod = req.method ?? "GET";
    const match = findRoute(routes, httpMethod, url.pathname);
    if (match.kind === "found") reportRoute(match.route.path);
    const clientAddress = limits.clientAddress(req);
    // Before the body is read or a service called: a client over its rate costs a route match
    // and one bucket lookup (Node discards an unread body).
    const limited = limits.refusal(registry, clientAddress);
    if (limited) return limited;
    const path = excerpt(url.pathname);
    if (match.kind === "not-found") {
      return errorReply(registry, new DomainError("NOT_FOUND", "ROUTE_NOT_FOUND", `no route for ${httpMethod} ${path}`, [], { httpMethod, path }));
    }
    if (match.kind === "method-not-allowed") {
      const allowedMethods = match.allowed.join(", ");
      const err = new DomainError("UNIMPLEMENTED", "METHOD_NOT_ALLOWED", `${path} does not accept ${httpMethod}`, [], { httpMethod, path, allowedMethods });
      return { ...errorReply(registry, err, 405), headers: { allow: allowedMethods } };
    }
    const { route, params } = match;
    const bodyText = await readBody(req, maxBodyBytes);
    const request = buildRequestMessage({ input: route.method.input, body: route.body }, params, url.searchParams, bodyText, registry);
    try {
      const response = await clients.call(opts.upstreams[route.upstream], route.method, request, req.headers.authorization, undefined, clientAddress);
      return { status: 200, body: JSON.stringify(toJson(route.method.output, response, { registry, alwaysEmitImplicit: true })) };
    } catch (err) {
      if (!isServiceError(err)) throw err;
      return upstreamFailure(registry, route, err, logger);
    }
  };

  const serve = (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = requestTarget(req.url ?? "/");
    return observeHttpRequest(req, url.pathname, async (reportRoute) => {
      const started = performance.now();
      let reply: Reply;
      try {
        reply = cors.preflight(req) ?? (await ownEndpointReply(req, url.pathname, reportRoute)) ?? (await transcode(req, url, reportRoute));
      } catch (err) {
        reply = gatewayFailure(registry, err, logger);
      }
      // While draining, each connection closes after this response, so keep-alive clients move
      // to another replica instead of holding this one open past the grace period.
      const closeHeader = draining ? { connection: "close" } : undefined;
      res.writeHead(reply.status, { "content-type": "application/json", ...cors.responseHeaders(req), ...reply.headers, ...closeHeader });
      res.end(reply.body);
      if (draining) server.closeIdleConnections();
      const ms = Math.round((performance.now() - started) * 10) / 10;
      logger.info({ method: req.method, path: url.pathname, status: reply.status, ms }, "http request");
      return reply.status;
    });
  };

  const server = createServer((req, res) => {
    serve(req, res).catch((err: unknown) => logger.error({ err }, "gateway could not answer"));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = opts.host.includes(":") ? `[${opts.host}]` : opts.host;
  logger.info({ url: `http://${host}:${port}`, routes: routes.length }, "gateway listening");
  let closing: Promise<void> | undefined;
  return {
    port,
    url: `http://${host}:${port}`,
    close: (graceMs = 10_000) =>
      (closing ??= new Promise<void>((resolve) => {
        draining = true;
        const cut = setTimeout(() => server.closeAllConnections(), graceMs);
        // Stops accepting; the callback runs once the last connection closed. The upstream
        // channels close after that, so in-flight requests still reach their service.
        server.close(() => {
          clearTimeout(cut);
          clients.close();
          stopTracing("gateway").then(resolve, resolve);
        });
        server.closeIdleConnections();
      })),
  };
}

interface RequestTarget {
  /** Still percent-encoded: the template matcher decodes each segment itself. */
  pathname: string;
  searchParams: URLSearchParams;
}

/**
 * Splits the request target by hand: `new URL` would resolve `..` and read `//host/...` as an
 * authority, so the path routed would not be the path sent.
 */
function requestTarget(raw: string): RequestTarget {
  const question = raw.indexOf("?");
  if (question < 0) return { pathname: raw, searchParams: new URLSearchParams() };
  return { pathname: raw.slice(0, question), searchParams: new URLSearchParams(raw.slice(question + 1)) };
}

/** A failure the gateway decides itself, as a status body; the HTTP status follows the code unless given. */
function errorReply(registry: FileRegistry, err: DomainError, httpStatus?: number): Reply {
  const { code, body } = gatewayErrorJson(registry, err);
  return { status: httpStatus ?? httpStatusOf(code), body };
}

/** At most 200 characters of something the client sent, for messages and metadata. */
function excerpt(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/**
 * A failed upstream call. Our services always attach details (ErrorInfo at least); their
 * field paths are rewritten to the request's JSON names. A failure without details came from
 * the transport (unreachable service, deadline), whose text names internal addresses, so the
 * client gets the service's name only and the log keeps the original.
 */
function upstreamFailure(registry: FileRegistry, route: Route, err: ServiceError, logger: Logger): Reply {
  const details = detailsFromTrailers(err.metadata);
  if (details.length > 0) {
    const body = statusJson(registry, err.code, err.details, detailsForRest(registry, route.method.input, details));
    return { status: httpStatusOf(err.code), body, headers: retryAfterHeader(err.metadata) };
  }
  logger.warn({ upstream: route.upstream, code: GrpcStatus[err.code], detail: withoutAddresses(err.details) }, "upstream call failed");
  return errorReply(registry, fromServiceError(err, `/${route.method.parent.typeName}/${route.method.name}`));
}

/** Failures of the gateway's own steps; anything unexpected is a 500 without its cause. */
function gatewayFailure(registry: FileRegistry, err: unknown, logger: Logger): Reply {
  if (err instanceof TranscodeError) {
    const invalid = err.violations.length > 0 ? errors.invalidArgument(err.violations, err.message) : new DomainError("INVALID_ARGUMENT", err.reason, err.message);
    return errorReply(registry, invalid);
  }
  if (err instanceof BodyTooLargeError) {
    // The rest of the body is not read, so the connection cannot carry another request.
    const tooLarge = new DomainError("RESOURCE_EXHAUSTED", "BODY_TOO_LARGE", err.message, [], { limitBytes: String(err.limit) });
    return { ...errorReply(registry, tooLarge, 413), headers: { connection: "close" } };
  }
  logger.error({ err }, "gateway request failed");
  return errorReply(registry, errors.internal(UNEXPECTED_ERROR, "internal error"));
}
