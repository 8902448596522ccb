import { readFileSync } from "node:fs";

// Written by tools/protoc-gen-openapi during `npm run generate` from the google.api.http
// annotations and comments of the contracts; committed, and CI fails when it is stale.
const documentPath = new URL("../openapi/openapi.json", import.meta.url);

let cached: string | undefined;

/** The OpenAPI 3.1 document of the REST API, as JSON text. */
export function openApiDocumentText(): string {
  cached ??= readFileSync(documentPath, "utf8");
  return cached;
}
