import { NodeSDK } from "@opentelemetry/sdk-node";
import { BasicTracerProvider, BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor, type SpanExporter, type SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { OTLPTraceExporter as OtlpHttpJsonExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as OtlpHttpProtobufExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { OTLPTraceExporter as OtlpGrpcExporter } from "@opentelemetry/exporter-trace-otlp-grpc";
import { detectResources, envDetector, hostDetector, processDetector, resourceFromAttributes } from "@opentelemetry/resources";
import type { Tracer } from "@opentelemetry/api";
import { ConfigError } from "@wms/config";

export interface TracingSdk {
  tracer(service: string): Tracer;
  shutdown(service: string): Promise<void>;
}

const exportersByProtocol: Record<string, () => SpanExporter> = {
  "http/json": () => new OtlpHttpJsonExporter(),
  "http/protobuf": () => new OtlpHttpProtobufExporter(),
  grpc: () => new OtlpGrpcExporter(),
};

/**
 * One TracerProvider per service instead of the SDK's single global one: the resource (and so
 * `service.name`) belongs to the provider, and the one-process mesh runs five services and the
 * gateway, each of which must report its own name. NodeSDK still sets up what is process-wide:
 * the AsyncLocalStorage context manager, the propagators (OTEL_PROPAGATORS, W3C trace context
 * by default) and diagnostics (OTEL_LOG_LEVEL).
 */
export function startTracingSdk(exporterNames: string[], env: NodeJS.ProcessEnv): TracingSdk {
  const makeProcessors = processorsFactory(exporterNames, env);
  new NodeSDK({ spanProcessors: [], metricReaders: [], logRecordProcessors: [], instrumentations: [], autoDetectResources: false }).start();
  const detected = detectResources({ detectors: [envDetector, processDetector, hostDetector] });
  const providers = new Map<string, { provider: BasicTracerProvider; tracer: Tracer }>();
  return {
    tracer(service) {
      let entry = providers.get(service);
      if (!entry) {
        const provider = new BasicTracerProvider({
          resource: detected.merge(resourceFromAttributes({ "service.name": service, "service.namespace": "wms" })),
          spanProcessors: makeProcessors(),
        });
        entry = { provider, tracer: provider.getTracer("wms") };
        providers.set(service, entry);
      }
      return entry.tracer;
    },
    async shutdown(service) {
      const entry = providers.get(service);
      providers.delete(service);
      await entry?.provider.shutdown();
    },
  };
}

/** Checks the variables now (a typo fails the start, naming the variable) and builds per service. */
function processorsFactory(exporterNames: string[], env: NodeJS.ProcessEnv): () => SpanProcessor[] {
  const protocol = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? "http/protobuf").trim();
  const problems: string[] = [];
  for (const name of exporterNames) {
    if (name !== "otlp" && name !== "console") problems.push(`OTEL_TRACES_EXPORTER: "${name}" is not one of otlp, console, none`);
  }
  if (exporterNames.includes("otlp") && !exportersByProtocol[protocol]) {
    problems.push(`OTEL_EXPORTER_OTLP_PROTOCOL: "${protocol}" is not one of ${Object.keys(exportersByProtocol).join(", ")}`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return () =>
    exporterNames.map((name) =>
      name === "console" ? new SimpleSpanProcessor(new ConsoleSpanExporter()) : new BatchSpanProcessor((exportersByProtocol[protocol] as () => SpanExporter)()),
    );
}
