import type { Registry } from "@bufbuild/protobuf";
import { DomainError } from "@wms/errors";
import { gatewayErrorJson } from "./status-body.js";

/** What the gateway writes for one request: status, body and any headers beyond the JSON default. */
export interface Reply {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

/**
 * An endpoint the gateway serves itself (health, the API document, the reference page):
 * the reply for this method and path, or undefined when the path is not its own.
 */
export type OwnEndpoint = (httpMethod: string, pathname: string) => Promise<Reply> | Reply | undefined;

/** GET and HEAD only: the gateway's own endpoints are read-only; anything else is a 405. */
export function readOnly(registry: Registry, httpMethod: string, answer: () => Promise<Reply> | Reply): Promise<Reply> | Reply {
  if (httpMethod === "GET" || httpMethod === "HEAD") return answer();
  const allowedMethods = "GET, HEAD";
  const refused = new DomainError("UNIMPLEMENTED", "METHOD_NOT_ALLOWED", "only GET and HEAD are served here", [], { httpMethod, allowedMethods });
  return { status: 405, body: gatewayErrorJson(registry, refused).body, headers: { allow: allowedMethods } };
}

/** The reply of the first own endpoint that serves this path, if any. */
export async function ownReply(endpoints: OwnEndpoint[], httpMethod: string, pathname: string): Promise<Reply | undefined> {
  for (const endpoint of endpoints) {
    const reply = endpoint(httpMethod, pathname);
    if (reply) return reply;
  }
  return undefined;
}
