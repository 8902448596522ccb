import { trace, type Tracer } from "@opentelemetry/api";
import type { TracingSdk } from "./sdk.js";

let sdk: TracingSdk | undefined;
let starting: Promise<void> | undefined;

/**
 * The span exporters OTEL_TRACES_EXPORTER asks for (possibly none: ids are still made, carried
 * and logged), or undefined when tracing is off. Unset, it is the specification's default
 * (`otlp`) only when an OTLP endpoint is configured, and off otherwise: a developer's
 * `npm start` must not send spans to a collector that is not there.
 */
export function tracesExportersFromEnv(env: NodeJS.ProcessEnv = process.env): string[] | undefined {
  if (["true", "1"].includes((env.OTEL_SDK_DISABLED ?? "").trim().toLowerCase())) return undefined;
  const names = (env.OTEL_TRACES_EXPORTER ?? "")
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  if (names.length === 0) return env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ? ["otlp"] : undefined;
  return names.filter((n) => n !== "none");
}

/**
 * Starts the tracing SDK once per process when OTEL_* asks for it. The SDK is loaded only then,
 * so with tracing off nothing but the no-op API is in the process.
 */
export function startTracing(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  starting ??= (async () => {
    const exporters = tracesExportersFromEnv(env);
    if (!exporters) return;
    const { startTracingSdk } = await import("./sdk.js");
    sdk = startTracingSdk(exporters, env);
  })();
  return starting;
}

export function tracingEnabled(): boolean {
  return sdk !== undefined;
}

const noopTracer = trace.getTracer("wms");

/** The tracer of one service: its spans carry that service's `service.name`. No-op when tracing is off. */
export function tracerFor(service: string): Tracer {
  return sdk ? sdk.tracer(service) : noopTracer;
}

/** Exports what the service's spans still buffer and closes its exporter (on the service's stop). */
export async function stopTracing(service: string): Promise<void> {
  await sdk?.shutdown(service);
}
