import type { ServiceDefinition } from "@grpc/grpc-js";
import { errors } from "@wms/errors";
import { fullServiceName } from "@wms/proto/services";
import type { CallContext } from "./context.js";

export type UnaryHandler<Req, Res> = (request: Req, ctx: CallContext) => Promise<Res>;

/** For a ts-proto service definition: one async handler per method, typed by its messages. */
export type HandlersOf<D> = {
  [K in keyof D]: D[K] extends {
    requestDeserialize: (b: Buffer) => infer Req;
    responseSerialize: (v: infer Res) => Buffer;
  }
    ? UnaryHandler<Req, Res>
    : never;
};

export interface ServiceBinding {
  /** Fully qualified, e.g. wms.user.v1.UserService (health and reflection use it). */
  readonly name: string;
  readonly definition: ServiceDefinition;
  readonly handlers: Record<string, UnaryHandler<unknown, unknown>>;
}

/** A generated service definition with its handlers; its full name is read from the definition. */
export function bindService<D extends ServiceDefinition>(definition: D, handlers: HandlersOf<D>): ServiceBinding {
  return { name: fullServiceName(definition), definition, handlers: handlers as unknown as Record<string, UnaryHandler<unknown, unknown>> };
}

/** Handlers answering UNIMPLEMENTED for every method: a contract published before its service. */
export function unimplementedHandlers<D extends ServiceDefinition>(definition: D): HandlersOf<D> {
  const handlers: Record<string, UnaryHandler<unknown, unknown>> = {};
  for (const [name, method] of Object.entries(definition)) {
    handlers[name] = async () => {
      throw errors.unimplemented(method.path);
    };
  }
  return handlers as HandlersOf<D>;
}
