import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Registry } from "@bufbuild/protobuf";
import { openApiDocumentText } from "@wms/proto/openapi";
import { readOnly, type OwnEndpoint, type Reply } from "./reply.js";

// The reference page is Swagger UI from the swagger-ui-dist package, served by the gateway
// itself: no CDN, so it works where the API's users have no internet either.
const swaggerUiDir = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist"));

/** The page's own policy: everything from this origin, so nothing can load from elsewhere. */
const PAGE_POLICY = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'";

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>WMS mesh API reference</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>
`;

// In a file of its own rather than inline, so the page policy can forbid inline scripts.
const INIT = `window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  displayOperationId: true,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
  validatorUrl: null,
});
`;

/** Files of swagger-ui-dist the page loads, by the path the gateway serves them under. */
const ASSETS: Record<string, { file: string; type: string }> = {
  "/docs/swagger-ui.css": { file: "swagger-ui.css", type: "text/css; charset=utf-8" },
  "/docs/swagger-ui-bundle.js": { file: "swagger-ui-bundle.js", type: "text/javascript; charset=utf-8" },
};

/** `/openapi.json` (the generated document) and `/docs` (the reference page rendered from it). */
export function docsEndpoints(registry: Registry): OwnEndpoint {
  const assetCache = new Map<string, string>();
  const asset = (path: string, spec: { file: string; type: string }): Reply => {
    let body = assetCache.get(path);
    if (body === undefined) {
      body = readFileSync(join(swaggerUiDir, spec.file), "utf8");
      assetCache.set(path, body);
    }
    return { status: 200, body, headers: { "content-type": spec.type, "cache-control": "public, max-age=3600" } };
  };

  return (httpMethod, pathname) => {
    if (pathname === "/openapi.json") {
      return readOnly(registry, httpMethod, () => ({ status: 200, body: openApiDocumentText(), headers: { "cache-control": "no-cache" } }));
    }
    if (pathname === "/docs" || pathname === "/docs/") {
      const headers = { "content-type": "text/html; charset=utf-8", "content-security-policy": PAGE_POLICY, "cache-control": "no-cache" };
      return readOnly(registry, httpMethod, () => ({ status: 200, body: PAGE, headers }));
    }
    if (pathname === "/docs/init.js") {
      return readOnly(registry, httpMethod, () => ({ status: 200, body: INIT, headers: { "content-type": "text/javascript; charset=utf-8", "cache-control": "no-cache" } }));
    }
    const spec = ASSETS[pathname];
    return spec ? readOnly(registry, httpMethod, () => asset(pathname, spec)) : undefined;
  };
}
