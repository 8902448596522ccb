import { isSpanContextValid, trace } from "@opentelemetry/api";

/**
 * `trace_id` and `span_id` of the active span, so a line can be found from its trace and back.
 * A fresh object each time: pino merges the line's own fields into it.
 */
export function traceFields(): Record<string, string> {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (!spanContext || !isSpanContextValid(spanContext)) return {};
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
}
