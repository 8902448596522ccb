import { getOption, hasOption, type DescExtension, type DescMethod, type FileRegistry } from "@bufbuild/protobuf";
import { fullServiceNames, serviceNames, type ServiceName } from "@wms/proto/services";
import { matchSegments, parsePathTemplate, specificity, type PathTemplate } from "./path-template.js";
import { resolveFieldPath, urlSettableLeaf } from "./request-message.js";

export type UpstreamName = ServiceName;

/** One REST binding of one RPC, from its google.api.http annotation. */
export interface HttpBinding {
  httpMethod: string;
  /** The template as annotated, `/v1/orders/{order_id}`: the route's name in traces and metrics. */
  path: string;
  template: PathTemplate;
  /** "" (fields from the query), "*" (the body is the message) or the field the body fills. */
  body: string;
  method: DescMethod;
}

/** A binding the gateway serves, with the service that answers it. */
export interface Route extends HttpBinding {
  upstream: UpstreamName;
}

/** The shape of google.api.HttpRule as the dynamic descriptors decode it. */
interface HttpRule {
  pattern: { case: "get" | "put" | "post" | "delete" | "patch"; value: string } | { case: "custom"; value: { kind: string; path: string } } | { case: undefined };
  body: string;
  additionalBindings: HttpRule[];
}

/**
 * Every annotated method of the five services, most specific template first. An RPC without
 * google.api.http gets no route: internal RPCs are unreachable from outside by construction.
 */
export function buildRoutes(registry: FileRegistry): Route[] {
  const extension = registry.getExtension("google.api.http");
  if (!extension) throw new Error("google.api.http missing from the descriptor registry");
  const routes: Route[] = [];
  for (const upstream of serviceNames) {
    const serviceName = fullServiceNames[upstream];
    const service = registry.getService(serviceName);
    if (!service) throw new Error(`${serviceName} missing from the descriptor registry`);
    for (const method of service.methods) {
      for (const binding of httpBindings(method, extension)) routes.push({ ...binding, upstream });
    }
  }
  return routes.sort((a, b) => specificity(b.template) - specificity(a.template));
}

/**
 * The REST bindings of one method: its google.api.http rule and the rule's additional
 * bindings, checked against the request message; none for an unannotated or streaming method.
 * The OpenAPI generator reads the contracts through this too, so it documents what is served.
 */
export function httpBindings(method: DescMethod, extension: DescExtension): HttpBinding[] {
  if (method.methodKind !== "unary" || !hasOption(method, extension)) return [];
  const rule = getOption(method, extension) as unknown as HttpRule;
  return [rule, ...rule.additionalBindings].map((binding) => bindingOf(binding, method));
}

function bindingOf(rule: HttpRule, method: DescMethod): HttpBinding {
  const where = `${method.parent.typeName}.${method.name}`;
  let httpMethod: string;
  let path: string;
  if (rule.pattern.case === undefined) throw new Error(`${where}: google.api.http has no pattern`);
  if (rule.pattern.case === "custom") {
    httpMethod = rule.pattern.value.kind.toUpperCase();
    path = rule.pattern.value.path;
  } else {
    httpMethod = rule.pattern.case.toUpperCase();
    path = rule.pattern.value;
  }
  const template = parsePathTemplate(path);
  // Checked now so a template naming a missing field stops the gateway at start.
  for (const segment of template.segments) {
    if (segment.kind === "variable") urlSettableLeaf(resolveFieldPath(method.input, segment.fieldPath), segment.fieldPath);
  }
  if (rule.body !== "" && rule.body !== "*") resolveFieldPath(method.input, rule.body);
  return { httpMethod, path, template, body: rule.body, method };
}

export type RouteMatch =
  | { kind: "found"; route: Route; params: Record<string, string> }
  | { kind: "method-not-allowed"; allowed: string[] }
  | { kind: "not-found" };

/** The route for a request; a path served under other HTTP methods is a 405, not a 404. */
export function findRoute(routes: Route[], httpMethod: string, path: string): RouteMatch {
  if (!path.startsWith("/")) return { kind: "not-found" };
  const segments = path.slice(1).split("/"); // once per request, not once per route
  const allowed = new Set<string>();
  for (const route of routes) {
    const params = matchSegments(route.template, segments);
    if (!params) continue;
    if (route.httpMethod === httpMethod) return { kind: "found", route, params };
    allowed.add(route.httpMethod);
  }
  return allowed.size > 0 ? { kind: "method-not-allowed", allowed: [...allowed].sort() } : { kind: "not-found" };
}
