import { create, toJson, type Registry } from "@bufbuild/protobuf";
import type { Any } from "@bufbuild/protobuf/wkt";
import type { Metadata } from "@grpc/grpc-js";
import { decodeStatusDetails, toServiceError, type DomainError } from "@wms/errors";

/** The ErrorInfo domain of failures the gateway decides itself (no route, a body that does not decode…). */
export const GATEWAY_ERROR_DOMAIN = "wms.gateway";

/**
 * A google.rpc.Status as proto3 JSON text: `{code, message, details}`, details as Any with
 * "@type". Details whose type the registry does not know are dropped rather than failing the
 * whole answer (the code and message still reach the client).
 */
export function statusJson(registry: Registry, code: number, message: string, details: Any[] = []): string {
  const statusDesc = registry.getMessage("google.rpc.Status");
  if (!statusDesc) throw new Error("google.rpc.Status missing from the descriptor registry");
  const known = details.filter((any) => registry.getMessage(any.typeUrl.slice(any.typeUrl.lastIndexOf("/") + 1)) !== undefined);
  const status = create(statusDesc, { code, message, details: known });
  return JSON.stringify(toJson(statusDesc, status, { registry, alwaysEmitImplicit: true }));
}

/**
 * The status body of a failure the gateway decides itself, with the same ErrorInfo (and
 * BadRequest) details a service would attach, built by the same mapper.
 */
export function gatewayErrorJson(registry: Registry, err: DomainError): { code: number; body: string } {
  const mapped = toServiceError(err, GATEWAY_ERROR_DOMAIN);
  const code = mapped.code ?? 2;
  return { code, body: statusJson(registry, code, mapped.details ?? err.message, detailsFromTrailers(mapped.metadata)) };
}

/** The details a service attached in the `grpc-status-details-bin` trailer; none if absent or unreadable. */
export function detailsFromTrailers(metadata: Metadata | undefined): Any[] {
  try {
    return decodeStatusDetails(metadata).details;
  } catch {
    return [];
  }
}
