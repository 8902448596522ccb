/**
 * google.api.http path templates, the subset the contracts use: literal segments, `*`,
 * variables binding exactly one segment (`{shop_id}` or `{shop_id=*}`, field paths like
 * `{item.id}`), and a custom verb after the last `:` (`/v1/users:register`). Anything else
 * (`**`, multi-segment variables) is refused when the routes are built, so a new annotation
 * the gateway cannot serve fails at start instead of answering wrongly.
 */
export type TemplateSegment =
  | { kind: "literal"; value: string }
  | { kind: "wildcard" }
  | { kind: "variable"; fieldPath: string };

export interface PathTemplate {
  source: string;
  segments: TemplateSegment[];
  verb: string | undefined;
}

const FIELD_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const LITERAL = /^[^{}*:/]+$/;

export function parsePathTemplate(source: string): PathTemplate {
  const fail = (why: string): never => {
    throw new Error(`unsupported path template ${JSON.stringify(source)}: ${why}`);
  };
  if (!source.startsWith("/")) fail("must start with /");
  for (const [variable] of source.matchAll(/\{[^}]*\}/g)) {
    if (variable.includes("/")) fail(`variable ${variable} must bind one segment`);
  }
  let path = source.slice(1);
  let verb: string | undefined;
  // The verb's colon is the last one outside any variable braces.
  const colon = path.lastIndexOf(":");
  if (colon > path.lastIndexOf("}") && colon > path.lastIndexOf("/")) {
    verb = path.slice(colon + 1);
    path = path.slice(0, colon);
    if (!LITERAL.test(verb)) fail("bad custom verb");
  }
  const segments = path.split("/").map((raw): TemplateSegment => {
    if (raw === "*") return { kind: "wildcard" };
    if (raw.startsWith("{") && raw.endsWith("}")) {
      const [fieldPath = "", pattern, ...rest] = raw.slice(1, -1).split("=");
      if (rest.length > 0 || (pattern !== undefined && pattern !== "*")) fail(`variable ${raw} must bind one segment`);
      if (!FIELD_PATH.test(fieldPath)) fail(`bad field path in ${raw}`);
      return { kind: "variable", fieldPath };
    }
    if (!LITERAL.test(raw)) fail(`bad segment ${JSON.stringify(raw)}`);
    return { kind: "literal", value: raw };
  });
  return { source, segments, verb };
}

/**
 * Matches a request path (still percent-encoded, without the query) against a template.
 * Returns the decoded value of each variable by field path, or undefined when it does not match.
 */
export function matchPathTemplate(template: PathTemplate, path: string): Record<string, string> | undefined {
  if (!path.startsWith("/")) return undefined;
  return matchSegments(template, path.slice(1).split("/"));
}

/** The same, on a path already split at its slashes (its leading one removed). */
export function matchSegments(template: PathTemplate, segments: readonly string[]): Record<string, string> | undefined {
  if (segments.length !== template.segments.length) return undefined;
  let last = segments[segments.length - 1] ?? "";
  if (template.verb !== undefined) {
    // The verb is split off before decoding, so an escaped colon (%3A) inside an id stays data.
    const suffix = `:${template.verb}`;
    if (!last.endsWith(suffix)) return undefined;
    last = last.slice(0, -suffix.length);
  }
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = template.segments[i];
    const value = decodeSegment(i === segments.length - 1 ? last : (segments[i] ?? ""));
    if (segment === undefined || value === undefined) return undefined;
    if (segment.kind === "literal") {
      if (value !== segment.value) return undefined;
    } else {
      if (value === "") return undefined;
      if (segment.kind === "variable") params[segment.fieldPath] = value;
    }
  }
  return params;
}

function decodeSegment(raw: string): string | undefined {
  if (!raw.includes("%")) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

/** Higher is more specific: verb routes first, then more literal segments (so literals beat variables). */
export function specificity(template: PathTemplate): number {
  const literals = template.segments.filter((s) => s.kind === "literal").length;
  return (template.verb === undefined ? 0 : 1000) + literals;
}
