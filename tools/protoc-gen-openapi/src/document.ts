import type { DescFile, DescMessage, FileRegistry } from "@bufbuild/protobuf";
import { httpBindings, type HttpBinding } from "@wms/gateway/routes";
import { describe } from "./comments.js";
import { errorResponse, openApiPath, operationOf, STATUS_TYPE, type Operation } from "./operations.js";
import { SchemaCollector, schemaRef, type JsonSchema } from "./schemas.js";

export interface DocumentOptions {
  title: string;
  version: string;
  /** Detail messages the services attach to errors, documented as typed items of Status.details. */
  errorDetails: string[];
}

const OPENAPI_METHODS = new Set(["get", "put", "post", "delete", "patch", "head", "options"]);

/**
 * The OpenAPI 3.1 document of every google.api.http binding in `files`: one operation per
 * binding, component schemas in the proto3 JSON mapping, bearer auth, google.rpc.Status errors.
 */
export function openApiDocument(registry: FileRegistry, files: DescFile[], options: DocumentOptions): Record<string, unknown> {
  const extension = registry.getExtension("google.api.http");
  if (!extension) throw new Error("google/api/annotations.proto is not among the plugin's inputs");
  const status = requireMessage(registry, STATUS_TYPE);
  const details = options.errorDetails.map((name) => requireMessage(registry, name));

  const services = files.flatMap((f) => f.services);
  const bindings: HttpBinding[] = services.flatMap((s) => s.methods.flatMap((m) => httpBindings(m, extension)));
  const collector = new SchemaCollector(responseOnlyMessages(bindings, [status, ...details]));

  const paths: Record<string, Record<string, Operation>> = {};
  const idsUsed = new Map<string, number>();
  for (const binding of bindings) {
    const verb = binding.httpMethod.toLowerCase();
    if (!OPENAPI_METHODS.has(verb)) throw new Error(`${binding.method.parent.typeName}.${binding.method.name}: HTTP method ${binding.httpMethod} has no OpenAPI form`);
    const baseId = `${binding.method.parent.name}_${binding.method.name}`;
    const seen = (idsUsed.get(baseId) ?? 0) + 1;
    idsUsed.set(baseId, seen);
    const path = openApiPath(binding);
    const item = (paths[path] ??= {});
    if (item[verb]) throw new Error(`${binding.httpMethod} ${path} is bound twice`);
    item[verb] = operationOf(binding, seen === 1 ? baseId : `${baseId}_${seen}`, collector);
  }

  collector.message(status);
  const statusSchema = collector.schemas.get(STATUS_TYPE) as { properties: Record<string, JsonSchema> };
  statusSchema.properties.details = {
    type: "array",
    description: `${details.map((d) => d.name).join(" and ")} as the services attach them; other detail types may appear.`,
    items: { anyOf: [...details.map((d) => detailSchema(d, collector)), collector.message(requireMessage(registry, "google.protobuf.Any"))] },
  };

  return {
    openapi: "3.1.0",
    info: {
      title: options.title,
      version: options.version,
      description: [
        `Generated from the \`google.api.http\` annotations and comments of ${[...new Set(services.map((s) => s.file.proto.package))].join(", ")}.`,
        "Bodies use the proto3 JSON mapping: lowerCamelCase names, 64-bit integers as strings, enums by name,",
        "timestamps in RFC 3339. Send an access token as `Authorization: Bearer <token>`.",
      ].join(" "),
    },
    // Relative: the API is served by the gateway that serves this document.
    servers: [{ url: "/" }],
    tags: services.map((s) => ({ name: s.name, ...(describe(s) ? { description: describe(s) } : {}) })),
    security: [{ bearerAuth: [] }, {}],
    paths,
    components: {
      schemas: Object.fromEntries([...collector.schemas.entries()].sort(([a], [b]) => a.localeCompare(b))),
      responses: { Error: errorResponse() },
      securitySchemes: {
        bearerAuth: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "JWT",
          description: "An access token; each operation's description says who may call it.",
        },
      },
    },
  };
}

/** A detail as it appears in Status.details: the message's JSON plus its "@type". */
function detailSchema(detail: DescMessage, collector: SchemaCollector): JsonSchema {
  const name = `${detail.typeName}Detail`;
  if (!collector.schemas.has(name)) {
    collector.schemas.set(name, {
      description: `A ${detail.typeName} inside google.rpc.Status.details.`,
      allOf: [
        {
          type: "object",
          properties: { "@type": { type: "string", const: `type.googleapis.com/${detail.typeName}` } },
          required: ["@type"],
        },
        collector.message(detail),
      ],
    });
  }
  return schemaRef(name);
}

/** Messages reached from responses (and errors) but never from a request. */
function responseOnlyMessages(bindings: HttpBinding[], errorMessages: DescMessage[]): Set<string> {
  const fromRequests = reachable(bindings.map((b) => b.method.input));
  const fromResponses = reachable([...bindings.map((b) => b.method.output), ...errorMessages]);
  return new Set([...fromResponses].filter((name) => !fromRequests.has(name)));
}

function reachable(roots: DescMessage[]): Set<string> {
  const seen = new Set<string>();
  const visit = (message: DescMessage): void => {
    if (seen.has(message.typeName)) return;
    seen.add(message.typeName);
    for (const field of message.fields) if (field.message) visit(field.message);
  };
  roots.forEach(visit);
  return seen;
}

function requireMessage(registry: FileRegistry, typeName: string): DescMessage {
  const message = registry.getMessage(typeName);
  if (!message) throw new Error(`${typeName} is not among the plugin's inputs`);
  return message;
}
