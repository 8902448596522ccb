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

/** The client sent something that is not a valid request: 400 INVALID_ARGUMENT with this message. */
export class TranscodeError extends Error {
  override readonly name = "TranscodeError";
}

/** Where a route takes the request's fields from, per its google.api.http binding. */
export interface RequestBinding {
  input: DescMessage;
  /** "" (no body: query parameters), "*" (the body is the message) or a field path. */
  body: string;
}

/**
 * Builds the request message as grpc-gateway does: the JSON body first, then query parameters
 * (only when the body does not already take every field), then path variables, which win.
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
    try {
      mergeFromJson(input, message, json, { registry });
    } catch (err) {
      throw new TranscodeError(err instanceof Error ? err.message : String(err));
    }
  };
  if (binding.body !== "") {
    const body = parseBody(bodyText);
    if (body !== undefined) {
      if (binding.body === "*") merge(objectBody(body));
      else merge(nestedJson(resolveFieldPath(input, binding.body).map((f) => f.jsonName), body));
    }
  }
  if (binding.body === "*") {
    const [first] = query.keys();
    if (first !== undefined) {
      throw new TranscodeError(`query parameter "${first}" is not accepted: this route takes its fields from the JSON body`);
    }
  } else {
    merge(queryToJson(input, query));
  }
  const pathJson: JsonObject = {};
  for (const [fieldPath, raw] of Object.entries(pathParams)) {
    const fields = resolveFieldPath(input, fieldPath);
    const leaf = urlSettableLeaf(fields, fieldPath);
    setPath(pathJson, fields.map((f) => f.jsonName), jsonFromString(leaf, raw, fieldPath));
  }
  merge(pathJson);
  return message;
}

/** Query parameters as a proto3 JSON object: `a.b=1`, snake_case or lowerCamel names, repeats for lists. */
export function queryToJson(input: DescMessage, query: URLSearchParams): JsonObject {
  const values = new Map<string, { fields: DescField[]; leaf: DescField; raw: string[]; name: string }>();
  for (const [name, raw] of query) {
    let fields: DescField[];
    try {
      fields = resolveFieldPath(input, name);
    } catch {
      throw new TranscodeError(`unknown query parameter "${name}" for ${input.typeName}`);
    }
    const leaf = urlSettableLeaf(fields, name);
    // `product_ids` and `productIds` name the same field, so they collect together.
    const key = fields.map((f) => f.number).join(".");
    const entry = values.get(key) ?? { fields, leaf, raw: [], name };
    entry.raw.push(raw);
    values.set(key, entry);
  }
  const json: JsonObject = {};
  for (const { fields, leaf, raw, name } of values.values()) {
    let value: JsonValue;
    if (leaf.fieldKind === "list") {
      value = raw.map((r) => jsonFromString(leaf, r, name));
    } else if (raw.length > 1) {
      throw new TranscodeError(`query parameter "${name}" is not repeated but was given ${raw.length} times`);
    } else {
      value = jsonFromString(leaf, raw[0] ?? "", name);
    }
    setPath(json, fields.map((f) => f.jsonName), value);
  }
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
 * (e.g. `abc` for an int32) is left as a string so fromJson reports it with the field's name.
 */
function jsonFromString(field: DescField, raw: string, name: string): JsonValue {
  if (field.enum) {
    if (/^-?\d+$/.test(raw)) return Number(raw);
    if (!field.enum.values.some((v) => v.name === raw)) {
      throw new TranscodeError(`"${name}": ${JSON.stringify(raw)} is not a value of ${field.enum.typeName}`);
    }
    return raw;
  }
  if (field.scalar === ScalarType.BOOL) return raw === "true" ? true : raw === "false" ? false : raw;
  // Numbers stay strings: proto3 JSON accepts decimal strings for every numeric type, and
  // converting here would lose int64 precision.
  return raw;
}

function parseBody(text: string): JsonValue | undefined {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text) as JsonValue;
  } catch (err) {
    throw new TranscodeError(`malformed JSON body: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function objectBody(body: JsonValue): JsonObject {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new TranscodeError("the JSON body must be an object");
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
