import { env } from "@wms/config";
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
};
