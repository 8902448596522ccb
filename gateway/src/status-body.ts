import { create, toJson, type Registry } from "@bufbuild/protobuf";
import type { Any } from "@bufbuild/protobuf/wkt";
import type { Metadata } from "@grpc/grpc-js";
import { decodeStatusDetails } from "@wms/errors";

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

/** The details a service attached in the `grpc-status-details-bin` trailer; none if absent or unreadable. */
export function detailsFromTrailers(metadata: Metadata | undefined): Any[] {
  try {
    return decodeStatusDetails(metadata).details;
  } catch {
    return [];
  }
}
