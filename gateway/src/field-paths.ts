import { type DescField, type DescMessage, type Message, type Registry } from "@bufbuild/protobuf";
import { anyPack, anyUnpack, type Any } from "@bufbuild/protobuf/wkt";

/** One step of a field path: `items[0]` is the field `items` with the suffix `[0]`. */
const SEGMENT = /^([^[\]]+)((?:\[[^\]]*\])*)$/;

/**
 * A field path as the services write it (proto names, `items[0].product_id`) in the request's
 * JSON names (`items[0].productId`), so REST clients read back the names they sent. Each step
 * is looked up in the descriptors; from the first step that names no field on, the rest of the
 * path is kept as it was.
 */
export function toJsonFieldPath(input: DescMessage, path: string): string {
  if (path === "") return path;
  const parts = path.split(".");
  let message: DescMessage | undefined = input;
  for (let i = 0; i < parts.length; i++) {
    const match = SEGMENT.exec(parts[i] ?? "");
    const field: DescField | undefined = match && message ? message.fields.find((f) => f.name === match[1] || f.jsonName === match[1]) : undefined;
    if (!match || !field) break;
    parts[i] = field.jsonName + (match[2] ?? "");
    message = messageOf(field);
  }
  return parts.join(".");
}

function messageOf(field: DescField): DescMessage | undefined {
  switch (field.fieldKind) {
    case "message":
      return field.message;
    case "list":
      return field.listKind === "message" ? field.message : undefined;
    case "map":
      return field.mapKind === "message" ? field.message : undefined;
    default:
      return undefined;
  }
}

interface FieldViolationMessage extends Message {
  field: string;
}
interface BadRequestMessage extends Message {
  fieldViolations: FieldViolationMessage[];
}
interface ErrorInfoMessage extends Message {
  metadata: Record<string, string>;
}

/**
 * A service's error details as a REST client should read them: BadRequest field paths, and
 * the ErrorInfo `fields` metadata that lists them, in the JSON names of `input`. Details of
 * other types pass unchanged.
 */
export function detailsForRest(registry: Registry, input: DescMessage, details: Any[]): Any[] {
  const badRequest = registry.getMessage("google.rpc.BadRequest");
  const errorInfo = registry.getMessage("google.rpc.ErrorInfo");
  if (!badRequest || !errorInfo) return details;
  return details.map((any) => {
    const bad = anyUnpack(any, badRequest) as BadRequestMessage | undefined;
    if (bad) {
      for (const violation of bad.fieldViolations) violation.field = toJsonFieldPath(input, violation.field);
      return anyPack(badRequest, bad);
    }
    const info = anyUnpack(any, errorInfo) as ErrorInfoMessage | undefined;
    if (info?.metadata.fields) {
      info.metadata.fields = info.metadata.fields
        .split(",")
        .map((f) => toJsonFieldPath(input, f))
        .join(",");
      return anyPack(errorInfo, info);
    }
    return any;
  });
}
