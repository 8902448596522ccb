import type { IncomingMessage } from "node:http";
import { context, propagation, trace, SpanKind, SpanStatusCode, defaultTextMapGetter } from "@opentelemetry/api";
import { recordHttpRequest, tracerFor, tracingEnabled } from "@wms/telemetry";

const SERVICE = "gateway";

/** Tells the request's span and metrics which route template matched, once it is known. */
export type RouteReporter = (template: string) => void;

/**
 * Serves one HTTP request inside a SERVER span (continuing a caller's W3C trace context when
 * the request carries one), so the RPCs it causes join its trace, then records its duration.
 * `serve` answers and resolves with the HTTP status it sent. Metrics are labelled by route
 * template, never by the raw path, so ids in URLs cannot explode the series.
 */
export function observeHttpRequest(req: IncomingMessage, pathname: string, serve: (reportRoute: RouteReporter) => Promise<number>): Promise<void> {
  const started = performance.now();
  const method = req.method ?? "GET";
  let route: string | undefined;
  const record = (status: number) => recordHttpRequest(SERVICE, method, route ?? "unmatched", status, (performance.now() - started) / 1000);
  if (!tracingEnabled()) {
    return serve((template) => (route = template)).then(record);
  }
  const parent = propagation.extract(context.active(), req.headers, defaultTextMapGetter);
  const span = tracerFor(SERVICE).startSpan(method, { kind: SpanKind.SERVER, attributes: { "http.request.method": method, "url.path": pathname, "url.scheme": "http" } }, parent);
  const reportRoute = (template: string) => {
    route = template;
    span.updateName(`${method} ${template}`);
    span.setAttribute("http.route", template);
  };
  return context.with(trace.setSpan(parent, span), () => serve(reportRoute)).then((status) => {
    span.setAttribute("http.response.status_code", status);
    if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: String(status) });
    span.end();
    record(status);
  });
}
