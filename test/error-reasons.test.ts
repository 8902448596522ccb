import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { status as GrpcStatus } from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";

// Every ErrorInfo reason the code can send names what happened (never a status code's name),
// is UPPER_SNAKE, and is listed in the design document's error table, so clients can rely on
// the list. The reasons are read from the source: a new throw site that breaks the convention,
// or is not documented, fails here.
const root = fileURLToPath(new URL("..", import.meta.url));
const design = readFileSync(join(root, "docs/design.md"), "utf8");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "node_modules" || name === "proto" ? [] : sourceFiles(path);
    return path.endsWith(".ts") && !path.endsWith(".test.ts") ? [path] : [];
  });
}

const files = ["libs", "services", "gateway"].flatMap((d) => sourceFiles(join(root, d))).filter((p) => !/\/(testing|test-support)\//.test(p));

/** Reason literals at throw sites: errors.x("REASON", …), new DomainError(KIND, "REASON", …), errors.notFound("thing", …). */
function reasonsIn(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/errors\.(?:alreadyExists|permissionDenied|unauthenticated|failedPrecondition|aborted|unavailable|resourceExhausted|internal)\(\s*"([^"]+)"/g)) out.push(m[1]!);
  for (const m of text.matchAll(/new DomainError\(\s*[^,]+,\s*"([^"]+)"/g)) out.push(m[1]!);
  for (const m of text.matchAll(/errors\.notFound\(\s*"([^"]+)"/g)) out.push(`${m[1]!.toUpperCase().replace(/ /g, "_")}_NOT_FOUND`);
  for (const m of text.matchAll(/new TranscodeError\([^)]*?,\s*"([A-Z_]+)"/g)) out.push(m[1]!);
  return out;
}

const found = new Map<string, string>();
for (const file of files) for (const reason of reasonsIn(readFileSync(file, "utf8"))) found.set(reason, relative(root, file));
// Reasons set through constants rather than at a throw site.
for (const constant of ["INVALID_FIELDS", "UNEXPECTED_ERROR"]) found.set(constant, "libs/errors");

const statusNames = new Set(Object.keys(GrpcStatus).filter((k) => Number.isNaN(Number(k))));

describe("ErrorInfo reasons", () => {
  it("are read from the source (the scan works)", () => {
    expect(found.size).toBeGreaterThanOrEqual(40);
    expect([...found.keys()]).toEqual(expect.arrayContaining(["INSUFFICIENT_STOCK", "ORDER_EXPIRED", "WAREHOUSE_NOT_FOUND", "ROUTE_NOT_FOUND", "MALFORMED_JSON", "SERVICE_UNREACHABLE"]));
  });

  it("say what happened: UPPER_SNAKE and never a status code's name", () => {
    const bad = [...found].filter(([reason]) => !/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/.test(reason) || statusNames.has(reason));
    expect(bad).toEqual([]);
  });

  it("are each listed in docs/design.md", () => {
    const missing = [...found].filter(([reason]) => !design.includes(`\`${reason}\``));
    expect(missing).toEqual([]);
  });

  it("field violation reasons are each listed in docs/design.md", () => {
    const union = readFileSync(join(root, "libs/errors/src/domain-error.ts"), "utf8").match(/export type FieldViolationReason =([\s\S]*?);/)?.[1] ?? "";
    const reasons = [...union.matchAll(/"([A-Z_]+)"/g)].map((m) => m[1]!);
    expect(reasons.length).toBeGreaterThanOrEqual(8);
    expect(reasons.filter((r) => !design.includes(`\`${r}\``))).toEqual([]);
  });
});
