import { ScalarType, type DescField, type DescMessage, type Message } from "@bufbuild/protobuf";
import { isReflectMessage, reflect, type ReflectMessage } from "@bufbuild/protobuf/reflect";
import type { FieldViolation } from "./domain-error.js";

/** Largest magnitude an int64 may carry here: services read int64 as JS numbers, exactly. */
export const MAX_SAFE_INT64 = BigInt(Number.MAX_SAFE_INTEGER);
/** Upper bound for any text field, above every per-field limit; a guard against megabyte strings. */
export const MAX_TEXT_LENGTH = 10_000;
/** Prose fields where line breaks and tabs are fine; every other text field takes none. */
const MULTILINE_FIELDS = new Set(["description", "note", "shop_description"]);

// C0 controls, DEL and C1 controls. PostgreSQL refuses NUL in text outright; the others have
// no business in names, ids or keys and make logs and UIs lie.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** C0 controls but tab, line feed and carriage return; DEL; C1 controls: what prose may not hold. */
export const CONTROL_EXCEPT_LINE_BREAKS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

const INT64_TYPES = new Set([ScalarType.INT64, ScalarType.SINT64, ScalarType.SFIXED64, ScalarType.UINT64, ScalarType.FIXED64]);

/** How field violations name fields: proto names on gRPC, JSON names on REST. */
export type FieldNaming = "proto" | "json";

/**
 * Every field violation of a decoded request that no RPC may accept: text with control
 * characters or beyond MAX_TEXT_LENGTH, 64-bit integers a JS number cannot hold exactly.
 * Paths look like `items[0].quantity` (or `items[0].productId` with JSON naming).
 */
export function requestViolations(desc: DescMessage, message: Message, naming: FieldNaming = "proto"): FieldViolation[] {
  const out: FieldViolation[] = [];
  walk(reflect(desc, message), "", naming, out);
  return out;
}

function walk(msg: ReflectMessage, prefix: string, naming: FieldNaming, out: FieldViolation[]): void {
  for (const field of msg.fields) {
    if (!msg.isSet(field)) continue;
    const path = prefix + (naming === "json" ? field.jsonName : field.name);
    switch (field.fieldKind) {
      case "scalar":
        checkScalar(field, msg.get(field), path, out);
        break;
      case "message":
        walk(msg.get(field), `${path}.`, naming, out);
        break;
      case "list": {
        let i = 0;
        for (const item of msg.get(field)) {
          const at = `${path}[${i++}]`;
          if (isReflectMessage(item)) walk(item, `${at}.`, naming, out);
          else checkScalar(field, item, at, out);
        }
        break;
      }
      case "map":
        for (const [key, value] of msg.get(field)) {
          const at = `${path}[${JSON.stringify(String(key)).slice(0, 40)}]`;
          if (typeof key === "string") checkText(key, field.name, at, out);
          if (isReflectMessage(value)) walk(value, `${at}.`, naming, out);
          else checkScalar(field, value, at, out);
        }
        break;
      case "enum":
        break;
    }
  }
}

function checkScalar(field: DescField, value: unknown, path: string, out: FieldViolation[]): void {
  if (typeof value === "string") checkText(value, field.name, path, out);
  else if (typeof value === "bigint" && field.scalar !== undefined && INT64_TYPES.has(field.scalar)) {
    if (value > MAX_SAFE_INT64 || value < -MAX_SAFE_INT64) {
      out.push({ field: path, description: `must be an integer between -${MAX_SAFE_INT64} and ${MAX_SAFE_INT64}`, reason: "OUT_OF_RANGE" });
    }
  }
}

function checkText(value: string, name: string, path: string, out: FieldViolation[]): void {
  if (value.length > MAX_TEXT_LENGTH) out.push({ field: path, description: `must be at most ${MAX_TEXT_LENGTH} characters`, reason: "TOO_LONG" });
  const forbidden = MULTILINE_FIELDS.has(name) ? CONTROL_EXCEPT_LINE_BREAKS : CONTROL;
  if (forbidden.test(value)) out.push({ field: path, description: "must not contain control characters (NUL included)", reason: "INVALID_FORMAT" });
}
