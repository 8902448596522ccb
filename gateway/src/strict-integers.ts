import { ScalarType, type DescField, type DescMessage, type JsonValue } from "@bufbuild/protobuf";
import { MAX_SAFE_INT64, type FieldViolation } from "@wms/errors";

const INTEGER_TYPES = new Set([
  ScalarType.INT32, ScalarType.SINT32, ScalarType.SFIXED32, ScalarType.UINT32, ScalarType.FIXED32,
  ScalarType.INT64, ScalarType.SINT64, ScalarType.SFIXED64, ScalarType.UINT64, ScalarType.FIXED64,
]);
const INT64_TYPES = new Set([ScalarType.INT64, ScalarType.SINT64, ScalarType.SFIXED64, ScalarType.UINT64, ScalarType.FIXED64]);
// Plain decimal only: protobuf-es would read "0x10" as 16, "0b11" as 3 and " 5 " as 5.
const DECIMAL = /^(0|-?[1-9][0-9]*)$/;

/**
 * Integer fields of a proto3 JSON request that fromJson would accept too generously: a JSON
 * number that is not an exact integer (9007199254740993 has already been rounded by
 * JSON.parse), a string that is not plain decimal, a 64-bit value beyond what services hold
 * exactly. Paths use JSON names (`items[0].quantity`).
 */
export function integerViolations(desc: DescMessage, json: JsonValue, prefix = ""): FieldViolation[] {
  if (json === null || typeof json !== "object" || Array.isArray(json)) return [];
  const out: FieldViolation[] = [];
  for (const [key, value] of Object.entries(json)) {
    const field = desc.fields.find((f) => f.jsonName === key || f.name === key);
    if (!field || value === null) continue; // unknown names and nulls are fromJson's to judge
    const path = `${prefix}${field.jsonName}`;
    if (field.fieldKind === "list" && Array.isArray(value)) {
      value.forEach((item, i) => out.push(...fieldViolations(field, item, `${path}[${i}]`)));
    } else if (field.fieldKind === "map" && typeof value === "object" && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) out.push(...fieldViolations(field, v, `${path}[${JSON.stringify(k).slice(0, 40)}]`));
    } else {
      out.push(...fieldViolations(field, value, path));
    }
  }
  return out;
}

function fieldViolations(field: DescField, value: JsonValue, path: string): FieldViolation[] {
  const message = field.fieldKind === "message" || field.fieldKind === "list" || field.fieldKind === "map" ? messageOf(field) : undefined;
  if (message) return message.typeName.startsWith("google.protobuf.") ? [] : integerViolations(message, value, `${path}.`);
  const scalar = scalarOf(field);
  if (scalar === undefined || !INTEGER_TYPES.has(scalar) || value === null) return [];
  const problem = integerProblem(value, INT64_TYPES.has(scalar));
  return problem ? [{ field: path, ...problem }] : [];
}

function integerProblem(value: JsonValue, is64: boolean): Omit<FieldViolation, "field"> | undefined {
  const range = { reason: "OUT_OF_RANGE", description: `must be an integer between -${MAX_SAFE_INT64} and ${MAX_SAFE_INT64}` };
  let n: bigint;
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) return range;
    n = BigInt(value);
  } else if (typeof value === "string") {
    if (!DECIMAL.test(value)) return { reason: "INVALID_FORMAT", description: "must be a plain decimal integer (no sign +, spaces, hex, exponent or fraction)" };
    n = BigInt(value);
  } else {
    return { reason: "INVALID_FORMAT", description: "must be an integer" };
  }
  if (is64 && (n > MAX_SAFE_INT64 || n < -MAX_SAFE_INT64)) return range;
  return undefined;
}

function messageOf(field: DescField): DescMessage | undefined {
  if (field.fieldKind === "message") return field.message;
  if (field.fieldKind === "list" && field.listKind === "message") return field.message;
  if (field.fieldKind === "map" && field.mapKind === "message") return field.message;
  return undefined;
}

function scalarOf(field: DescField): ScalarType | undefined {
  if (field.fieldKind === "scalar") return field.scalar;
  if (field.fieldKind === "list" && field.listKind === "scalar") return field.scalar;
  if (field.fieldKind === "map" && field.mapKind === "scalar") return field.scalar;
  return undefined;
}
