import type { DescField, DescMessage } from "@bufbuild/protobuf";
import type { HttpBinding } from "@wms/gateway/routes";
import { resolveFieldPath } from "@wms/gateway/request-message";
import { describe, firstSentence } from "./comments.js";
import { schemaRef, type JsonSchema, type SchemaCollector } from "./schemas.js";

export const STATUS_TYPE = "google.rpc.Status";

/** An OpenAPI Operation Object, as plain data. */
export type Operation = { [key: string]: unknown };

/** `/v1/orders/{order_id}:pay` with each variable named by its JSON field path: `/v1/orders/{orderId}:pay`. */
export function openApiPath(binding: HttpBinding): string {
  const segments = binding.template.segments.map((segment) => {
    if (segment.kind === "literal") return segment.value;
    if (segment.kind === "wildcard") throw new Error(`${binding.template.source}: an unnamed * segment cannot be documented as a parameter`);
    return `{${jsonPath(binding.method.input, segment.fieldPath)}}`;
  });
  return `/${segments.join("/")}${binding.template.verb === undefined ? "" : `:${binding.template.verb}`}`;
}

/**
 * One operation per binding, as the gateway transcodes it: path variables, then the body
 * ("*": the message less the path fields; a field: that field), the remaining fields as query
 * parameters when the body does not take them all.
 */
export function operationOf(binding: HttpBinding, operationId: string, collector: SchemaCollector): Operation {
  const { method, body } = binding;
  const input = method.input;
  const pathFieldPaths = binding.template.segments.flatMap((s) => (s.kind === "variable" ? [s.fieldPath] : []));
  const pathFields = new Set(pathFieldPaths.map((p) => resolveFieldPath(input, p)).filter((f) => f.length === 1).map((f) => f[0]!));

  const parameters: JsonSchema[] = pathFieldPaths.map((fieldPath) => {
    const fields = resolveFieldPath(input, fieldPath);
    const leaf = fields[fields.length - 1]!;
    return { name: jsonPath(input, fieldPath), in: "path", required: true, ...described(leaf), schema: withoutDescription(collector.field(leaf)) };
  });

  let requestBody: JsonSchema | undefined;
  if (body === "*") {
    const rest = input.fields.filter((f) => !pathFields.has(f));
    const schema = pathFields.size === 0 ? collector.message(input) : collector.objectSchema(input, rest);
    requestBody = { content: { "application/json": { schema } } };
  } else if (body !== "") {
    const fields = resolveFieldPath(input, body);
    const leaf = fields[fields.length - 1]!;
    requestBody = { ...described(leaf), content: { "application/json": { schema: withoutDescription(collector.field(leaf)) } } };
    parameters.push(...queryParameters(input, "", new Set([...pathFields, leaf]), collector, new Set()));
  } else {
    parameters.push(...queryParameters(input, "", pathFields, collector, new Set()));
  }

  const description = describe(method);
  return {
    operationId,
    summary: description ? firstSentence(description) : method.name,
    ...(description ? { description } : {}),
    tags: [method.parent.name],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses: {
      "200": {
        description: describe(method.output) || `A ${method.output.name}.`,
        content: { "application/json": { schema: collector.message(method.output) } },
      },
      // Any route answers 400 to a body or parameter it cannot read, before any service is asked.
      "400": { $ref: "#/components/responses/Error" },
      default: { $ref: "#/components/responses/Error" },
    },
  };
}

/**
 * Query parameters for the fields the URL may set (scalars, enums, lists of them, well-known
 * types with a string form), nested messages flattened to `parent.child` as the gateway reads them.
 */
function queryParameters(message: DescMessage, prefix: string, skip: Set<DescField>, collector: SchemaCollector, visiting: Set<string>): JsonSchema[] {
  if (visiting.has(message.typeName)) return [];
  const out: JsonSchema[] = [];
  for (const field of message.fields) {
    if (skip.has(field)) continue;
    const name = `${prefix}${field.jsonName}`;
    if (field.fieldKind === "map") continue;
    const elementMessage = field.fieldKind === "message" ? field.message : field.fieldKind === "list" && field.listKind === "message" ? field.message : undefined;
    if (elementMessage && !elementMessage.typeName.startsWith("google.protobuf.")) {
      if (field.fieldKind === "message") out.push(...queryParameters(elementMessage, `${name}.`, new Set(), collector, new Set([...visiting, message.typeName])));
      continue;
    }
    const schema = withoutDescription(collector.field(field));
    out.push({ name, in: "query", ...described(field), schema, ...(field.fieldKind === "list" ? { style: "form", explode: true } : {}) });
  }
  return out;
}

function jsonPath(input: DescMessage, fieldPath: string): string {
  return resolveFieldPath(input, fieldPath)
    .map((f) => f.jsonName)
    .join(".");
}

function described(field: DescField): { description?: string } {
  const description = describe(field);
  return description ? { description } : {};
}

/** Parameters carry the field's description themselves; their schema need not repeat it. */
function withoutDescription(schema: JsonSchema): JsonSchema {
  const { description: _unused, ...rest } = schema;
  return rest;
}

/** The error answer of every operation: a google.rpc.Status as the gateway writes it. */
export function errorResponse(): JsonSchema {
  return {
    description: [
      "An error as a `google.rpc.Status`: the gRPC code, a message, and details, among them a",
      "`google.rpc.ErrorInfo` whose `reason` names what happened (e.g. `INSUFFICIENT_STOCK`) and,",
      "for invalid input, a `google.rpc.BadRequest` with one violation per field. HTTP statuses follow",
      "grpc-gateway: INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE → 400; UNAUTHENTICATED → 401;",
      "PERMISSION_DENIED → 403; NOT_FOUND → 404; ALREADY_EXISTS, ABORTED → 409; RESOURCE_EXHAUSTED → 429;",
      "UNIMPLEMENTED → 501; UNAVAILABLE → 503; DEADLINE_EXCEEDED → 504; others → 500.",
    ].join(" "),
    content: { "application/json": { schema: schemaRef(STATUS_TYPE) } },
  };
}
