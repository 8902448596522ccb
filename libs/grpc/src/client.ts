import { credentials, makeGenericClientConstructor, type Client, type ServiceDefinition } from "@grpc/grpc-js";
import type { TokenIssuer } from "@wms/auth";
import { fromServiceError } from "@wms/errors";
import { unaryCall } from "./unary.js";
import { channelOptions, channelTarget } from "./channel.js";

export interface CallOptions {
  /** Absolute deadline; the caller's own deadline should be passed on. Default: 10 s from now. */
  deadline?: Date;
  /** Send this bearer token instead of the service credential (tests, or acting for a user). */
  bearerToken?: string;
}

/** Each method of a ts-proto service definition as `(request, options) => Promise<response>`. */
export type PromiseClient<D> = {
  [K in keyof D]: D[K] extends { requestSerialize: (v: infer Req) => Buffer; responseDeserialize: (b: Buffer) => infer Res }
    ? (request: Req, options?: CallOptions) => Promise<Res>
    : never;
} & { close(): void };

/** Mints and caches this service's short-lived credential for calls to its peers. */
export class ServiceCredentials {
  private cached: { token: string; expireTime: Date } | undefined;
  constructor(
    private readonly issuer: TokenIssuer,
    readonly service: string,
    private readonly ttlMs = 5 * 60_000,
  ) {}

  async token(): Promise<string> {
    // Renew a minute early so a token never expires in flight.
    if (!this.cached || this.cached.expireTime.getTime() - Date.now() < 60_000) {
      this.cached = await this.issuer.issueServiceToken(this.service, this.ttlMs);
    }
    return this.cached.token;
  }
}

const DEFAULT_DEADLINE_MS = 10_000;

/**
 * A promise-returning client over one channel to `address` (one address, several comma-separated
 * ones, or a `dns:///` name), balanced round-robin across them. Failures come back as DomainErrors with the peer's code, reason
 * and field violations, so they can be rethrown as they are.
 */
export function createClient<D extends ServiceDefinition>(
  definition: D,
  address: string,
  credentialsSource?: ServiceCredentials,
): PromiseClient<D> {
  const Ctor = makeGenericClientConstructor(definition, "wms");
  const client: Client = new Ctor(channelTarget(address), credentials.createInsecure(), channelOptions);
  const out: Record<string, unknown> = { close: () => client.close() };
  for (const [name, method] of Object.entries(definition)) {
    out[name] = async (request: unknown, options: CallOptions = {}) => {
      const token = options.bearerToken ?? (credentialsSource ? await credentialsSource.token() : undefined);
      return unaryCall(client, method, request, {
        caller: credentialsSource?.service ?? "client",
        target: address,
        deadline: options.deadline ?? new Date(Date.now() + DEFAULT_DEADLINE_MS),
        authorization: token ? `Bearer ${token}` : undefined,
      }).catch((err: unknown) => {
        throw fromServiceError(err, method.path);
      });
    };
  }
  return out as PromiseClient<D>;
}
