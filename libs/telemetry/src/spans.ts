import { context, trace, SpanStatusCode, type Attributes, type Span, type SpanKind } from "@opentelemetry/api";
import { tracerFor, tracingEnabled } from "./tracing.js";

/** True when a span would have a parent here: work outside any request (sweepers) makes no root spans of its own. */
export function insideTrace(): boolean {
  return tracingEnabled() && trace.getSpan(context.active()) !== undefined;
}

/**
 * Runs `work` inside a child span of the current one, owned by `service`, and ends the span with
 * work's outcome. The span records the error's type only: messages can carry values
 * (a rejected input, a key) that must not leave the process.
 */
export async function inChildSpan<T>(
  service: string,
  name: string,
  kind: SpanKind,
  attributes: Attributes,
  work: () => PromiseLike<T>,
): Promise<T> {
  return tracerFor(service).startActiveSpan(name, { kind, attributes }, async (span) => {
    try {
      return await work();
    } catch (err) {
      markFailed(span, err);
      throw err;
    } finally {
      span.end();
    }
  });
}

/** Sets the span's status to ERROR with the error's type (its class name or database error code) as description. */
export function markFailed(span: Span, err: unknown, type = errorType(err)): void {
  span.setAttribute("error.type", type);
  span.setStatus({ code: SpanStatusCode.ERROR, message: type });
}

function errorType(err: unknown): string {
  if (err && typeof err === "object") {
    const code = (err as { code?: unknown }).code;
    if (typeof code === "string" && code !== "") return code;
    if (err instanceof Error) return err.name;
  }
  return "_OTHER";
}
