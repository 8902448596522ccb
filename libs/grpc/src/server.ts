import { Server, ServerCredentials, status as Status, type ServerUnaryCall, type sendUnaryData, type ServiceDefinition, type UntypedServiceImplementation } from "@grpc/grpc-js";
import { HealthImplementation } from "grpc-health-check";
import { ReflectionService } from "@grpc/reflection";
import type { PackageDefinition } from "@grpc/proto-loader";
import { descriptorRegistry, serializedFileDescriptors } from "@wms/proto/descriptors";
import type { TokenVerifier } from "@wms/auth";
import { errors, toServiceError, DomainError } from "@wms/errors";
import type { Logger } from "@wms/logging";
import type { ServiceBinding } from "./binding.js";
import { CallContext } from "./context.js";
import { observeServerCall } from "./call-telemetry.js";
import { guardDeserializer, RefusedRequest } from "./request-guard.js";

/** Wraps every call (tracing and metrics plug in here); the innermost `next` runs the handler. */
export type Middleware = (ctx: CallContext, request: unknown, next: () => Promise<unknown>) => Promise<unknown>;

export interface ServerOptions {
  name: string;
  host: string;
  port: number;
  services: ServiceBinding[];
  verifier: TokenVerifier;
  logger: Logger;
  middleware?: Middleware[];
  /** Largest request accepted, in bytes. */
  maxReceiveMessageLength?: number;
}

export interface RunningServer {
  readonly port: number;
  readonly address: string;
  /** Health NOT_SERVING, then drain in-flight calls for up to graceMs, then force. */
  shutdown(graceMs?: number): Promise<void>;
}

export async function startGrpcServer(opts: ServerOptions): Promise<RunningServer> {
  const server = new Server({ "grpc.max_receive_message_length": opts.maxReceiveMessageLength ?? 4 * 1024 * 1024 });
  const serving = Object.fromEntries(opts.services.map((s) => [s.name, "SERVING" as const]));
  const health = new HealthImplementation({ "": "SERVING", ...serving });
  health.addToServer(server);
  reflectionFor(opts.services.map((s) => s.name)).addToServer(server);
  for (const binding of opts.services) {
    server.addService(guardedDefinition(binding), adapt(binding, opts));
  }
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${opts.host}:${opts.port}`, ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound))),
  );
  const address = `${opts.host}:${port}`;
  opts.logger.info({ address, services: opts.services.map((s) => s.name) }, "grpc server listening");
  let stopping: Promise<void> | undefined;
  return {
    port,
    address,
    shutdown(graceMs = 10_000) {
      stopping ??= drain(server, health, [...Object.keys(serving), ""], graceMs);
      return stopping;
    },
  };
}

async function drain(server: Server, health: HealthImplementation, names: string[], graceMs: number): Promise<void> {
  for (const name of names) health.setStatus(name, "NOT_SERVING");
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, graceMs);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Every port also serves the standard health service, and reflection lists it too. */
const HEALTH_SERVICE = "grpc.health.v1.Health";

/**
 * Reflection from the real descriptors of the buf image, so grpcurl resolves every import
 * (google/api/annotations.proto included) exactly as written in proto/. The image carries
 * grpc.health.v1's file as grpc-health-check ships it, so `grpcurl … grpc.health.v1.Health/Check`
 * needs no .proto file either.
 */
function reflectionFor(serviceNames: string[]): ReflectionService {
  const pkg = {
    "wms.image": { format: "Protocol Buffer 3 DescriptorProto", type: {}, fileDescriptorProtos: serializedFileDescriptors() },
  } as unknown as PackageDefinition;
  return new ReflectionService(pkg, { services: [...serviceNames, HEALTH_SERVICE] });
}

/**
 * The service definition with every request deserializer guarded: whatever the bytes, a call
 * reaches its handler with a well-formed request, or is answered INVALID_ARGUMENT (never the
 * INTERNAL grpc-js gives a throwing deserializer). One check covers every RPC of every service.
 */
function guardedDefinition(binding: ServiceBinding): ServiceDefinition {
  const methods = descriptorRegistry().getService(binding.name)?.methods ?? [];
  const guarded: Record<string, ServiceDefinition[string]> = {};
  for (const [key, method] of Object.entries(binding.definition)) {
    const input = methods.find((m) => method.path === `/${binding.name}/${m.name}`)?.input;
    guarded[key] = { ...method, requestDeserialize: guardDeserializer(input, method.requestDeserialize) };
  }
  return guarded;
}

function adapt(binding: ServiceBinding, opts: ServerOptions): UntypedServiceImplementation {
  const impl: UntypedServiceImplementation = {};
  const chain = opts.middleware ?? [];
  const domain = binding.name.split(".").slice(0, -1).join(".");
  for (const [method, handler] of Object.entries(binding.handlers)) {
    const fullMethod = `${binding.name}/${method}`;
    // The wire name, `/wms.order.v1.OrderService/Checkout`, as traces, metrics and logs name the RPC.
    const path = binding.definition[method]?.path ?? `/${fullMethod}`;
    // One child logger per method, made once: pino's child() serializes its bindings each time.
    const log = opts.logger.child({ rpc: path });
    impl[method] = (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
      void observeServerCall(opts.name, path, call.metadata, async () => {
        const started = performance.now();
        try {
          const ctx = await authenticate(call, opts.verifier);
          if (call.request instanceof RefusedRequest) throw call.request.error;
          const run = (i: number): Promise<unknown> => {
            const mw = chain[i];
            return mw ? mw(ctx, call.request, () => run(i + 1)) : handler(call.request, ctx);
          };
          const response = await run(0);
          log.info({ code: "OK", ms: elapsed(started) }, "rpc");
          callback(null, response);
          return Status.OK;
        } catch (err) {
          const mapped = toServiceError(err, domain);
          const code = mapped.code ?? Status.UNKNOWN;
          // Logged once, where it arose: an unexpected failure here with its cause; a DomainError
          // (ours, or a peer's passed on, whose cause that peer logged) as the status it is.
          if (err instanceof DomainError) log.info({ code: Status[code], reason: err.reason, ms: elapsed(started) }, "rpc");
          else log.error({ err, code: Status[code], ms: elapsed(started) }, "rpc failed");
          callback(mapped);
          return code;
        }
      });
    };
  }
  return impl;
}

async function authenticate(call: ServerUnaryCall<unknown, unknown>, verifier: TokenVerifier): Promise<CallContext> {
  const header = call.metadata.get("authorization")[0];
  let principal;
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(String(header));
    if (!match?.[1]) throw errors.unauthenticated("AUTHORIZATION_MALFORMED", "authorization must be `Bearer <token>`");
    principal = await verifier.verify(match[1]);
    if (!principal) throw errors.unauthenticated("ACCESS_TOKEN_INVALID", "the access token is invalid or expired");
  }
  const deadline = call.getDeadline();
  const deadlineDate = deadline instanceof Date ? deadline : Number.isFinite(deadline) ? new Date(deadline) : undefined;
  return new CallContext(principal, deadlineDate);
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}
