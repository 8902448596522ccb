import type { IncomingMessage } from "node:http";
import type { env } from "@wms/config";
import type { Reply } from "./reply.js";

/** Headers a browser app may send: the bearer token, JSON bodies and W3C trace context. */
const ALLOWED_HEADERS = "authorization, content-type, traceparent, tracestate";
/** How long a browser may reuse a preflight answer, in seconds. */
const PREFLIGHT_MAX_AGE = "600";

/**
 * GATEWAY_CORS_ORIGINS: comma-separated origins (`https://app.example.com`) or `*`; empty or
 * unset turns CORS off, so no browser page on another origin can call the API.
 */
export const corsOriginsField: env.Field<string[]> = {
  help: "comma-separated origins like https://app.example.com, or *",
  fallback: [],
  parse(raw) {
    const origins = raw.split(",").map((s) => s.trim()).filter(Boolean);
    for (const origin of origins) {
      if (origin === "*") continue;
      let parsed: URL;
      try {
        parsed = new URL(origin);
      } catch {
        return new Error(`a list of origins (scheme://host[:port]); ${JSON.stringify(origin)} is not one`);
      }
      if (parsed.origin !== origin.replace(/\/$/, "").toLowerCase()) {
        return new Error(`a list of origins (scheme://host[:port], no path); ${JSON.stringify(origin)} is not one`);
      }
    }
    return origins.map((o) => (o === "*" ? o : new URL(o).origin));
  },
};

export interface CorsPolicy {
  /** The answer to a preflight (OPTIONS with Access-Control-Request-Method), or undefined for any other request. */
  preflight(req: IncomingMessage): Reply | undefined;
  /** Headers that let the calling page read this response (none for a disallowed or absent origin). */
  responseHeaders(req: IncomingMessage): Record<string, string>;
}

/** CORS for the allowed origins; with none, the gateway adds no CORS header and answers no preflight. */
export function corsPolicy(allowedOrigins: string[], allowedMethods: string[]): CorsPolicy {
  const anyOrigin = allowedOrigins.includes("*");
  const origins = new Set(allowedOrigins);
  const methods = [...new Set([...allowedMethods, "OPTIONS"])].sort().join(", ");

  const allowOrigin = (req: IncomingMessage): string | undefined => {
    const origin = req.headers.origin;
    if (origin === undefined || allowedOrigins.length === 0) return undefined;
    if (anyOrigin) return "*";
    return origins.has(origin) ? origin : undefined;
  };
  // The answer depends on Origin unless every origin is allowed, so caches must key on it.
  const vary: Record<string, string> = anyOrigin ? {} : { vary: "Origin" };

  return {
    preflight(req) {
      if (allowedOrigins.length === 0 || req.method !== "OPTIONS" || req.headers["access-control-request-method"] === undefined) return undefined;
      const origin = allowOrigin(req);
      // A disallowed origin gets an answer without CORS headers: the browser then refuses the call.
      if (!origin) return { status: 204, body: "", headers: vary };
      return {
        status: 204,
        body: "",
        headers: {
          ...vary,
          "access-control-allow-origin": origin,
          "access-control-allow-methods": methods,
          "access-control-allow-headers": ALLOWED_HEADERS,
          "access-control-max-age": PREFLIGHT_MAX_AGE,
        },
      };
    },
    responseHeaders(req) {
      const origin = allowOrigin(req);
      if (!origin) return allowedOrigins.length === 0 ? {} : vary;
      return { ...vary, "access-control-allow-origin": origin };
    },
  };
}
