import { create, toJson, type FileRegistry } from "@bufbuild/protobuf";
import { fullServiceNames } from "@wms/proto/services";
import { readOnly, type OwnEndpoint, type Reply } from "./reply.js";
import type { UpstreamName } from "./routes.js";
import { isServiceError, type UpstreamClients } from "./upstream.js";
import { status as GrpcStatus } from "@grpc/grpc-js";

/** A readiness probe must answer well within a load balancer's timeout, so each upstream gets this long. */
const UPSTREAM_CHECK_MS = 2_000;

/**
 * `/healthz`: the gateway process answers. `/readyz`: every upstream reports its service
 * SERVING through grpc.health.v1 (a draining service reports NOT_SERVING), else 503, so a load
 * balancer stops sending traffic that could not be served. A draining gateway is not ready either.
 */
export function healthEndpoints(
  registry: FileRegistry,
  clients: UpstreamClients,
  upstreams: Record<UpstreamName, string>,
  draining: () => boolean = () => false,
): OwnEndpoint {
  const check = registry.getService("grpc.health.v1.Health")?.methods.find((m) => m.name === "Check");
  if (!check) throw new Error("grpc.health.v1.Health missing from the descriptor registry");

  const upstreamStatus = async (name: UpstreamName): Promise<string> => {
    const request = create(check.input, { service: fullServiceNames[name] });
    try {
      const response = await clients.call(upstreams[name], check, request, undefined, UPSTREAM_CHECK_MS);
      // UNKNOWN is the zero value, which proto3 JSON leaves out.
      const json = toJson(check.output, response) as { status?: string };
      return json.status ?? "UNKNOWN";
    } catch (err) {
      // The code only: a transport error's text names internal addresses.
      return isServiceError(err) ? (GrpcStatus[err.code] ?? "UNKNOWN") : "UNKNOWN";
    }
  };

  const ready = async (): Promise<Reply> => {
    if (draining()) return { status: 503, body: JSON.stringify({ status: "NOT_SERVING", draining: true }), headers: { "cache-control": "no-store" } };
    const names = Object.keys(upstreams) as UpstreamName[];
    const statuses = await Promise.all(names.map(upstreamStatus));
    const allServing = statuses.every((s) => s === "SERVING");
    const body = { status: allServing ? "SERVING" : "NOT_SERVING", upstreams: Object.fromEntries(names.map((n, i) => [n, statuses[i]])) };
    return { status: allServing ? 200 : 503, body: JSON.stringify(body), headers: { "cache-control": "no-store" } };
  };

  return (httpMethod, pathname) => {
    if (pathname === "/healthz") {
      return readOnly(registry, httpMethod, () => ({ status: 200, body: JSON.stringify({ status: "SERVING" }), headers: { "cache-control": "no-store" } }));
    }
    if (pathname === "/readyz") return readOnly(registry, httpMethod, ready);
    return undefined;
  };
}
