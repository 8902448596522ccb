import { env, type ConfigOf, type Field } from "@wms/config";
import { meshServices, serviceNames, type ServiceName } from "@wms/proto/services";

export type { ServiceName } from "@wms/proto/services";

/** `<NAME>_SERVICE_ADDR`: where a service's peers (and the gateway) reach it. */
export type ServiceAddressVariable<N extends ServiceName = ServiceName> = `${Uppercase<N>}_SERVICE_ADDR`;

export const addressVariable = <N extends ServiceName>(name: N): ServiceAddressVariable<N> =>
  `${name.toUpperCase()}_SERVICE_ADDR` as ServiceAddressVariable<N>;

/** One address variable per service, defaulting to its default port on this machine. */
export const serviceAddressSpec = Object.fromEntries(
  serviceNames.map((name) => [addressVariable(name), env.string(`127.0.0.1:${meshServices[name].defaultPort}`, "host:port")]),
) as { [N in ServiceName as ServiceAddressVariable<N>]: Field<string> };

/** Variables every service reads. A service's own config.ts adds its own. */
export const commonConfigSpec = {
  HOST: env.string("127.0.0.1", "the address to listen on"),
  DATABASE_URL: env.optionalUrl(["postgres:", "postgresql:"]),
  /** Read replicas for lag-tolerant reads (listings, a product's page); nothing that decides stock or ownership reads them. */
  DATABASE_REPLICA_URLS: env.urlList(["postgres:", "postgresql:"]),
  DB_POOL_SIZE: env.integer(10, 1, 200),
  /** Give up opening a database connection after this long (the call answers UNAVAILABLE). */
  DB_CONNECT_TIMEOUT: env.duration("2s"),
  /** Give up waiting for a free pooled connection after this long (UNAVAILABLE). */
  DB_ACQUIRE_TIMEOUT: env.duration("10s"),
  /** The database cancels a statement (or a lock wait) running longer than this. */
  DB_STATEMENT_TIMEOUT: env.duration("10s"),
  DATA_DIR: env.string(".data", "a directory for the embedded database and keys"),
  /** Signs end users' access tokens: the user service only. */
  JWT_PRIVATE_KEY: env.optionalString("an Ed25519 private key, PEM"),
  /** Verifies end users' access tokens: every service. */
  JWT_PUBLIC_KEY: env.optionalString("an Ed25519 public key, PEM"),
  /** Signs and verifies the short-lived credentials services present to each other. */
  SERVICE_PRIVATE_KEY: env.optionalString("an Ed25519 private key, PEM"),
  SERVICE_PUBLIC_KEY: env.optionalString("an Ed25519 public key, PEM"),
  DEMO_DATA: env.boolean(true),
  /** false when migrations run once before a rollout (`migrate`), so replicas never race to apply them. */
  MIGRATE: env.boolean(true),
  SHUTDOWN_GRACE: env.duration("10s"),
  /**
   * Callers believed when their `x-forwarded-for` names the end client (the gateway); anyone
   * else is taken as the client itself. Loopback by default: the gateway on the same machine.
   */
  TRUSTED_PROXIES: env.ipRangeList(["127.0.0.1", "::1"]),
  ...serviceAddressSpec,
};

export type CommonConfig = ConfigOf<typeof commonConfigSpec>;

/** Each service's address from a loaded config (the gateway's upstreams, a service's peers). */
export function serviceAddresses(config: { [N in ServiceName as ServiceAddressVariable<N>]: string }): Record<ServiceName, string> {
  return Object.fromEntries(serviceNames.map((name) => [name, config[addressVariable(name)]])) as Record<ServiceName, string>;
}
