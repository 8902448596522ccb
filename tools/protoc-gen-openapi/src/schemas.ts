import { ScalarType, type DescEnum, type DescField, type DescMessage } from "@bufbuild/protobuf";
import { FeatureSet_FieldPresence } from "@bufbuild/protobuf/wkt";
import { describe } from "./comments.js";

/** A JSON Schema (the OpenAPI 3.1 dialect), as plain data. */
export type JsonSchema = { [key: string]: unknown };

/** Where a component lives in the document. */
export const schemaRef = (typeName: string): JsonSchema => ({ $ref: `#/components/schemas/${typeName}` });

/** Well-known types have their own proto3 JSON forms instead of an object of their fields. */
const wellKnown: Record<string, JsonSchema> = {
  "google.protobuf.Timestamp": { type: "string", format: "date-time", description: "RFC 3339, e.g. 2026-01-31T12:00:00Z" },
  "google.protobuf.Duration": { type: "string", pattern: "^-?[0-9]+(\\.[0-9]{1,9})?s$", description: "seconds with an s suffix, e.g. 1.5s" },
  "google.protobuf.FieldMask": { type: "string", description: "comma-separated lowerCamelCase field paths" },
  "google.protobuf.Empty": { type: "object" },
  "google.protobuf.Struct": { type: "object", additionalProperties: true },
  "google.protobuf.Value": {},
  "google.protobuf.ListValue": { type: "array", items: {} },
  "google.protobuf.Any": {
    type: "object",
    properties: { "@type": { type: "string", description: "type.googleapis.com/ followed by the message's full name" } },
    required: ["@type"],
    additionalProperties: true,
  },
  "google.protobuf.DoubleValue": { type: ["number", "null"], format: "double" },
  "google.protobuf.FloatValue": { type: ["number", "null"], format: "float" },
  "google.protobuf.Int64Value": { type: ["string", "null"], format: "int64" },
  "google.protobuf.UInt64Value": { type: ["string", "null"], format: "uint64" },
  "google.protobuf.Int32Value": { type: ["integer", "null"], format: "int32" },
  "google.protobuf.UInt32Value": { type: ["integer", "null"], format: "uint32" },
  "google.protobuf.BoolValue": { type: ["boolean", "null"] },
  "google.protobuf.StringValue": { type: ["string", "null"] },
  "google.protobuf.BytesValue": { type: ["string", "null"], format: "byte" },
};

/** proto3 JSON of each scalar: 64-bit integers are strings, bytes are base64. */
function scalarSchema(scalar: ScalarType): JsonSchema {
  switch (scalar) {
    case ScalarType.STRING:
      return { type: "string" };
    case ScalarType.BOOL:
      return { type: "boolean" };
    case ScalarType.BYTES:
      return { type: "string", format: "byte" };
    case ScalarType.DOUBLE:
      return { type: "number", format: "double" };
    case ScalarType.FLOAT:
      return { type: "number", format: "float" };
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
      return { type: "integer", format: "int32" };
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return { type: "integer", format: "uint32", minimum: 0 };
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
      return { type: "string", format: "int64", pattern: "^-?[0-9]+$" };
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return { type: "string", format: "uint64", pattern: "^[0-9]+$" };
  }
}

/**
 * Component schemas by full proto name, filled as operations reference messages and enums.
 * A message reached from a response only lists its implicit-presence fields as required: the
 * gateway writes responses with every such field present, zero values included.
 */
export class SchemaCollector {
  readonly schemas = new Map<string, JsonSchema>();
  private readonly responseOnly: Set<string>;

  constructor(responseOnly: Set<string>) {
    this.responseOnly = responseOnly;
  }

  message(desc: DescMessage): JsonSchema {
    const wkt = wellKnown[desc.typeName];
    if (wkt) return wkt;
    if (!this.schemas.has(desc.typeName)) {
      this.schemas.set(desc.typeName, {}); // placeholder: recursive messages refer to themselves
      this.schemas.set(desc.typeName, this.objectSchema(desc, desc.fields));
    }
    return schemaRef(desc.typeName);
  }

  /** An object of the given fields of a message (all of them, or those left after path parameters). */
  objectSchema(desc: DescMessage, fields: DescField[]): JsonSchema {
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    for (const field of fields) {
      properties[field.jsonName] = this.field(field);
      if (this.responseOnly.has(desc.typeName) && alwaysWritten(field)) required.push(field.jsonName);
    }
    const oneofs = desc.oneofs.filter((o) => fields.some((f) => f.oneof === o));
    const notes = oneofs.map((o) => `At most one of ${o.fields.map((f) => `\`${f.jsonName}\``).join(", ")} (${o.name}).`);
    const description = [describe(desc), ...notes].filter(Boolean).join("\n\n");
    return {
      type: "object",
      ...(description ? { description } : {}),
      properties,
      ...(required.length > 0 ? { required } : {}),
    };
  }

  field(field: DescField): JsonSchema {
    const description = describe(field);
    const withDescription = (schema: JsonSchema): JsonSchema => (description ? { ...schema, description } : schema);
    switch (field.fieldKind) {
      case "scalar":
        return withDescription(scalarSchema(field.scalar));
      case "enum":
        return withDescription(this.enum(field.enum));
      case "message":
        return withDescription(this.message(field.message));
      case "list": {
        const items = field.listKind === "scalar" ? scalarSchema(field.scalar) : field.listKind === "enum" ? this.enum(field.enum) : this.message(field.message);
        return withDescription({ type: "array", items });
      }
      case "map": {
        // JSON object keys are strings whatever the key type.
        const values = field.mapKind === "scalar" ? scalarSchema(field.scalar) : field.mapKind === "enum" ? this.enum(field.enum) : this.message(field.message);
        return withDescription({ type: "object", additionalProperties: values });
      }
    }
  }

  enum(desc: DescEnum): JsonSchema {
    if (desc.typeName === "google.protobuf.NullValue") return { type: "null" };
    if (!this.schemas.has(desc.typeName)) {
      const description = describe(desc);
      this.schemas.set(desc.typeName, { type: "string", ...(description ? { description } : {}), enum: desc.values.map((v) => v.name) });
    }
    return schemaRef(desc.typeName);
  }
}

/** Implicit presence (plain proto3 scalars and enums), lists and maps: always in a response. */
function alwaysWritten(field: DescField): boolean {
  if (field.fieldKind === "list" || field.fieldKind === "map") return true;
  if (field.fieldKind === "message") return false;
  return field.presence === FeatureSet_FieldPresence.IMPLICIT;
}
