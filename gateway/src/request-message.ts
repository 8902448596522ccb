import {
  create,
  mergeFromJson,
  ScalarType,
  type DescField,
  type DescMessage,
  type JsonObject,
  type JsonValue,
  type Message,
  type Registry,
} from "@bufbuild/protobuf";
import { INVALID_FIELDS, invalidFieldsMessage, requestViolations, type FieldViolation } from "@wms/errors";
import { enumViolation, jsonViolations } from "./json-violations.js";
import { integerViolations } from "./strict-integers.js";

/**
 * The client sent something that is not a valid request: 400 INVALID_ARGUMENT. With field
 * violations (by JSON name) its ErrorInfo reason is INVALID_FIELDS; a body that is not JSON
 * at all is MALFORMED_JSON.
 */
export class TranscodeError extends Error {
  override readonly name = "TranscodeError";
  constructor(
    message: string,
    readonly reason: string = INVALID_FIELDS,
    readonly violations: FieldViolation[] = [],
  ) {
    super(message);
  }
}

function invalidFields(violations: FieldViolation[]): TranscodeError {
  return new TranscodeError(invalidFieldsMessage(violations.length), INVALID_FIELDS, violations);
}

/** Where a route takes the request's fields from, per its google.api.http binding. */
export interface RequestBinding {
  input: DescMessage;
  /** "" (no body: query parameters), "*" (the body is the message) or a field path. */
  body: string;
}

/**
 * Builds the request message as grpc-gateway v2 does by default: the JSON body first, then
 * query parameters (only when the body does not already take every field; otherwise they are
 * ignored), then path variables, which win. Unknown JSON fields and unknown query parameters
 * are discarded, as grpc-gateway's default marshaler (`DiscardUnknown`) and query parser do.
 */
export function buildRequestMessage(
  binding: RequestBinding,
  pathParams: Record<string, string>,
  query: URLSearchParams,
  bodyText: string,
  registry: Registry,
): Message {
  const { input } = binding;
  const message = create(input);
  const merge = (json: JsonObject): void => {
    // Integers as exact decimals only: protobuf-es alone reads "0x10" as 16 and " 5 " as 5.
    const inexact = integerViolations(input, json);
    try {
      mergeFromJson(input, message, json, { registry, ignoreUnknownFields: true });
    } catch {
      const decoded = jsonViolations(input, json, registry);
      const violations = [...decoded, ...inexact.filter((v) => !decoded.some((d) => d.field === v.field))];
      // Every failure protobuf-es can report is located above; this is a last resort that
      // still names no proto type.
      throw violations.length > 0 ? invalidFields(violations) : new TranscodeError("the request does not match its schema");
    }
    if (inexact.length > 0) throw invalidFields(inexact);
  };
  if (binding.body !== "") {
    const body = parseBody(bodyText);
    if (body !== undefined) {
      if (binding.body === "*") merge(objectBody(body));
      else merge(nestedJson(resolveFieldPath(input, binding.body).map((f) => f.jsonName), body));
    }
  }
  if (binding.body !== "*") merge(queryToJson(input, query));
  const pathJson: JsonObject = {};
  for (const [fieldPath, raw] of Object.entries(pathParams)) {
    const fields = resolveFieldPath(input, fieldPath);
    const leaf = urlSettableLeaf(fields, fieldPath);
    const decoded = jsonFromString(leaf, raw, fields.map((f) => f.jsonName).join("."));
    if (!decoded.ok) throw invalidFields([decoded.violation]);
    setPath(pathJson, fields.map((f) => f.jsonName), decoded.value);
  }
  merge(pathJson);
  // The services refuse the same, but answering here names the fields as the client wrote them.
  const violations = requestViolations(input, message, "json");
  if (violations.length > 0) throw invalidFields(violations);
  return message;
}

/**
 * Query parameters as a proto3 JSON object: `a.b=1`, snake_case or lowerCamel names, repeats
 * for lists. A name that is no field is ignored (grpc-gateway v2's default query parser).
 */
export function queryToJson(input: DescMessage, query: URLSearchParams): JsonObject {
  const values = new Map<string, { fields: DescField[]; leaf: DescField; raw: string[]; name: string }>();
  const violations: FieldViolation[] = [];
  for (const [name, raw] of query) {
    let fields: DescField[];
    try {
      fields = resolveFieldPath(input, name);
    } catch {
      continue;
    }
    const jsonPath = fields.map((f) => f.jsonName).join(".");
    let leaf: DescField;
    try {
      leaf = urlSettableLeaf(fields, name);
    } catch {
      violations.push({ field: jsonPath, reason: "INVALID_VALUE", description: "cannot be set from a query parameter" });
      continue;
    }
    // `product_ids` and `productIds` name the same field, so they collect together.
    const key = fields.map((f) => f.number).join(".");
    const entry = values.get(key) ?? { fields, leaf, raw: [], name };
    entry.raw.push(raw);
    values.set(key, entry);
  }
  const json: JsonObject = {};
  for (const { fields, leaf, raw } of values.values()) {
    const jsonPath = fields.map((f) => f.jsonName);
    const at = jsonPath.join(".");
    if (leaf.fieldKind !== "list" && raw.length > 1) {
      violations.push({ field: at, reason: "TOO_MANY", description: `takes one value, not ${raw.length}` });
      continue;
    }
    const decoded = raw.map((r, i) => jsonFromString(leaf, r, leaf.fieldKind === "list" ? `${at}[${i}]` : at));
    const good: JsonValue[] = [];
    for (const d of decoded) {
      if (d.ok) good.push(d.value);
      else violations.push(d.violation);
    }
    if (good.length < decoded.length) continue;
    setPath(json, jsonPath, leaf.fieldKind === "list" ? good : (good[0] ?? ""));
  }
  if (violations.length > 0) throw invalidFields(violations);
  return json;
}

/**
 * The fields along a dotted path (`item.product_id`), each named by its proto or JSON name.
 * Every step but the last must be a singular message field.
 */
export function resolveFieldPath(input: DescMessage, path: string): DescField[] {
  const out: DescField[] = [];
  let message: DescMessage | undefined = input;
  for (const name of path.split(".")) {
    if (!message) throw new TranscodeError(`"${path}" does not name a field of ${input.typeName}`);
    const field: DescField | undefined = message.fields.find((f) => f.name === name || f.jsonName === name);
    if (!field) throw new TranscodeError(`"${path}" does not name a field of ${input.typeName}`);
    out.push(field);
    message = field.fieldKind === "message" ? field.message : undefined;
  }
  return out;
}

/**
 * The leaf of a field path that a path variable or query parameter sets: scalars, enums,
 * lists of them, and well-known types with a string JSON form (Timestamp, Duration, wrappers).
 */
export function urlSettableLeaf(fields: DescField[], path: string): DescField {
  const leaf = fields[fields.length - 1];
  if (!leaf) throw new TranscodeError(`empty field path "${path}"`);
  const message = leaf.fieldKind === "message" || (leaf.fieldKind === "list" && leaf.listKind === "message") ? leaf.message : undefined;
  if (leaf.fieldKind === "map" || (message && !message.typeName.startsWith("google.protobuf."))) {
    throw new TranscodeError(`field "${path}" cannot be set from the URL`);
  }
  return leaf;
}

/**
 * A URL string as the JSON value fromJson expects for the field; anything it cannot be
 * (e.g. `abc` for an int32) is left as a string so decoding reports it with the field's name.
 * An enum name that is no value of the enum is a violation at `at` right away.
 */
function jsonFromString(field: DescField, raw: string, at: string): UrlValue {
  if (field.enum) {
    if (/^-?\d+$/.test(raw)) return { ok: true, value: Number(raw) };
    if (!field.enum.values.some((v) => v.name === raw)) return { ok: false, violation: enumViolation(at, field.enum) };
    return { ok: true, value: raw };
  }
  if (field.scalar === ScalarType.BOOL) return { ok: true, value: raw === "true" ? true : raw === "false" ? false : raw };
  // Numbers stay strings: proto3 JSON accepts decimal strings for every numeric type, and
  // converting here would lose int64 precision.
  return { ok: true, value: raw };
}

type UrlValue = { ok: true; value: JsonValue } | { ok: false; violation: FieldViolation };

function parseBody(text: string): JsonValue | undefined {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text) as JsonValue;
  } catch (err) {
    throw new TranscodeError(`malformed JSON body: ${err instanceof Error ? err.message : String(err)}`, "MALFORMED_JSON");
  }
}

function objectBody(body: JsonValue): JsonObject {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new TranscodeError("the JSON body must be an object", "MALFORMED_JSON");
  }
  return body;
}

function nestedJson(keys: string[], value: JsonValue): JsonObject {
  const out: JsonObject = {};
  setPath(out, keys, value);
  return out;
}

function setPath(target: JsonObject, keys: string[], value: JsonValue): void {
  let node = target;
  keys.forEach((key, i) => {
    if (i === keys.length - 1) {
      node[key] = value;
      return;
    }
    const next = node[key];
    if (next !== null && typeof next === "object" && !Array.isArray(next)) {
      node = next;
    } else {
      const created: JsonObject = {};
      node[key] = created;
      node = created;
    }
  });
}
