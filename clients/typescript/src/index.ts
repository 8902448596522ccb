import createClient, { type Client } from "openapi-fetch";
import type { components, paths } from "./gen/openapi.js";

// Every path, parameter, body and response type comes from src/gen/openapi.ts, which
// `npm run generate` writes from the OpenAPI document of the contracts: nothing here is per RPC.
export type { components, paths } from "./gen/openapi.js";

/** Request and response bodies by proto name, e.g. `Schemas["wms.order.v1.Order"]`. */
export type Schemas = components["schemas"];
/** What every failed call returns: the gRPC code, a message and typed details. */
export type Status = Schemas["google.rpc.Status"];
export type ErrorInfo = Schemas["google.rpc.ErrorInfo"];
export type BadRequest = Schemas["google.rpc.BadRequest"];
export type FieldViolation = Schemas["google.rpc.BadRequest.FieldViolation"];

export type WmsClient = Client<paths>;

export interface WmsClientOptions {
  /** Where the gateway is, e.g. `http://localhost:8080`. */
  baseUrl: string;
  /** The access token from Login (sent as `Authorization: Bearer …`), or a function giving the current one. */
  token?: string | (() => string | undefined | Promise<string | undefined>);
  /** A fetch of your own (tests, proxies); the global fetch by default. */
  fetch?: typeof globalThis.fetch;
}

/**
 * A typed client of the REST API: `client.POST("/v1/orders", { body })` checks the path,
 * parameters and body, and returns `{ data }` typed as the response or `{ error }` typed as
 * a google.rpc.Status.
 */
export function createWmsClient(options: WmsClientOptions): WmsClient {
  const client = createClient<paths>({ baseUrl: options.baseUrl, ...(options.fetch ? { fetch: options.fetch } : {}) });
  const { token } = options;
  if (token !== undefined) {
    client.use({
      async onRequest({ request }) {
        const current = typeof token === "function" ? await token() : token;
        if (current) request.headers.set("authorization", `Bearer ${current}`);
        return request;
      },
    });
  }
  return client;
}

const ERROR_INFO = "type.googleapis.com/google.rpc.ErrorInfo";
const BAD_REQUEST = "type.googleapis.com/google.rpc.BadRequest";

/** The google.rpc.ErrorInfo of a failed call: `reason` says what happened (e.g. INSUFFICIENT_STOCK). */
export function errorInfo(status: Status | undefined): ErrorInfo | undefined {
  const detail = status?.details.find((d) => d["@type"] === ERROR_INFO);
  return detail as ErrorInfo | undefined;
}

/** The ErrorInfo reason of a failed call, if it has one. */
export function errorReason(status: Status | undefined): string | undefined {
  return errorInfo(status)?.reason;
}

/** The field violations of an INVALID_ARGUMENT error (field paths use the JSON names). */
export function fieldViolations(status: Status | undefined): FieldViolation[] {
  const detail = status?.details.find((d) => d["@type"] === BAD_REQUEST) as BadRequest | undefined;
  return detail?.fieldViolations ?? [];
}
