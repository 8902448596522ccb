import { create, mergeFromJson, ScalarType, type DescEnum, type DescField, type DescMessage, type JsonObject, type JsonValue, type Registry } from "@bufbuild/protobuf";
import type { FieldViolation, FieldViolationReason } from "@wms/errors";

/**
 * Where a proto3 JSON object fails to decode into `desc`, field by field, by JSON path
 * (`items[1].quantity`), with a description in the client's terms (never a proto type name).
 * protobuf-es reports only the first failure and names it by its proto type, so each field
 * is decoded on its own here to find every one. Unknown fields are skipped: they are
 * discarded, as grpc-gateway does by default.
 */
export function jsonViolations(desc: DescMessage, json: JsonObject, registry: Registry, prefix = ""): FieldViolation[] {
  const out: FieldViolation[] = [];
  for (const [key, value] of Object.entries(json)) {
    const field = desc.fields.find((f) => f.jsonName === key || f.name === key);
    if (!field || decodes(desc, { [key]: value }, registry)) continue;
    const path = prefix === "" ? field.jsonName : `${prefix}.${field.jsonName}`;
    out.push(...fieldViolations(desc, field, key, value, path, registry));
  }
  for (const oneof of desc.oneofs) {
    const present = oneof.fields.filter((f) => [f.jsonName, f.name].some((k) => json[k] !== undefined && json[k] !== null));
    const [, second] = present;
    if (second) {
      const path = prefix === "" ? second.jsonName : `${prefix}.${second.jsonName}`;
      out.push(violation(path, { reason: "INVALID_VALUE", description: `only one of ${oneof.fields.map((f) => f.jsonName).join(", ")} may be set` }));
    }
  }
  return out;
}

function fieldViolations(desc: DescMessage, field: DescField, key: string, value: JsonValue, path: string, registry: Registry): FieldViolation[] {
  switch (field.fieldKind) {
    case "message":
      return nested(field.message, value, path, registry) ?? [violation(path, describeMessage(field.message))];
    case "list": {
      if (!Array.isArray(value)) return [violation(path, { reason: "INVALID_FORMAT", description: "must be a JSON array" })];
      const out: FieldViolation[] = [];
      value.forEach((element, i) => {
        if (decodes(desc, { [key]: [element] }, registry)) return;
        const at = `${path}[${i}]`;
        if (field.listKind === "message") out.push(...(nested(field.message, element, at, registry) ?? [violation(at, describeMessage(field.message))]));
        else if (field.listKind === "enum") out.push(violation(at, describeEnum(field.enum)));
        else out.push(violation(at, describeScalar(field.scalar, element)));
      });
      return out;
    }
    case "map":
      return [violation(path, { reason: "INVALID_FORMAT", description: "must be a JSON object of valid entries" })];
    case "enum":
      return [violation(path, describeEnum(field.enum))];
    case "scalar":
      return [violation(path, describeScalar(field.scalar, value))];
  }
}

/** The violations inside a nested object, or undefined when `value` is not one we can look into. */
function nested(desc: DescMessage, value: JsonValue, path: string, registry: Registry): FieldViolation[] | undefined {
  if (desc.typeName.startsWith("google.protobuf.") || value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  const found = jsonViolations(desc, value, registry, path);
  return found.length > 0 ? found : undefined;
}

function decodes(desc: DescMessage, json: JsonObject, registry: Registry): boolean {
  try {
    mergeFromJson(desc, create(desc), json, { registry, ignoreUnknownFields: true });
    return true;
  } catch {
    return false;
  }
}

interface Problem {
  reason: FieldViolationReason;
  description: string;
}

function violation(field: string, problem: Problem): FieldViolation {
  return { field, ...problem };
}

const INTEGER_RANGES: Partial<Record<ScalarType, [bigint, bigint]>> = {
  [ScalarType.INT32]: [-(2n ** 31n), 2n ** 31n - 1n],
  [ScalarType.SINT32]: [-(2n ** 31n), 2n ** 31n - 1n],
  [ScalarType.SFIXED32]: [-(2n ** 31n), 2n ** 31n - 1n],
  [ScalarType.UINT32]: [0n, 2n ** 32n - 1n],
  [ScalarType.FIXED32]: [0n, 2n ** 32n - 1n],
  [ScalarType.INT64]: [-(2n ** 63n), 2n ** 63n - 1n],
  [ScalarType.SINT64]: [-(2n ** 63n), 2n ** 63n - 1n],
  [ScalarType.SFIXED64]: [-(2n ** 63n), 2n ** 63n - 1n],
  [ScalarType.UINT64]: [0n, 2n ** 64n - 1n],
  [ScalarType.FIXED64]: [0n, 2n ** 64n - 1n],
};

function describeScalar(scalar: ScalarType, value: JsonValue): Problem {
  const range = INTEGER_RANGES[scalar];
  if (range) {
    const looksInteger = (typeof value === "string" && /^-?\d+$/.test(value)) || (typeof value === "number" && Number.isInteger(value));
    const bits = scalar === ScalarType.INT64 || scalar === ScalarType.UINT64 || scalar === ScalarType.SINT64 || scalar === ScalarType.FIXED64 || scalar === ScalarType.SFIXED64 ? " (64-bit integers may be sent as decimal strings)" : "";
    if (looksInteger) return { reason: "OUT_OF_RANGE", description: `must be an integer from ${range[0]} to ${range[1]}` };
    return { reason: "INVALID_FORMAT", description: `must be an integer${bits}` };
  }
  switch (scalar) {
    case ScalarType.BOOL:
      return { reason: "INVALID_FORMAT", description: "must be true or false" };
    case ScalarType.STRING:
      return { reason: "INVALID_FORMAT", description: "must be a string" };
    case ScalarType.BYTES:
      return { reason: "INVALID_FORMAT", description: "must be base64-encoded bytes" };
    default:
      return { reason: "INVALID_FORMAT", description: "must be a number" };
  }
}

function describeEnum(desc: DescEnum): Problem {
  const names = desc.values.filter((v) => v.number !== 0).map((v) => v.name);
  return { reason: "INVALID_VALUE", description: `must be one of ${names.join(", ")}` };
}

function describeMessage(desc: DescMessage): Problem {
  switch (desc.typeName) {
    case "google.protobuf.Timestamp":
      return { reason: "INVALID_FORMAT", description: "must be an RFC 3339 timestamp, e.g. 2026-01-31T12:00:00Z" };
    case "google.protobuf.Duration":
      return { reason: "INVALID_FORMAT", description: "must be a duration in seconds with an s suffix, e.g. 1.5s" };
    default:
      return { reason: "INVALID_FORMAT", description: "must be a JSON object" };
  }
}

/** For a value from the URL that names no value of its enum field. */
export function enumViolation(field: string, desc: DescEnum): FieldViolation {
  return violation(field, describeEnum(desc));
}
