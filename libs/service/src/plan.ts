import { resolve } from "node:path";
import { ConfigError, loadConfig, type ConfigOf, type ConfigSpec } from "@wms/config";
import { meshServices, type ServiceName } from "@wms/proto/services";
import { commonConfigSpec, type CommonConfig } from "./config.js";
import type { ServiceModule } from "./module.js";

/** A service's configuration, read and checked before anything opens: what it will listen on and use. */
export interface ServicePlan<S extends ConfigSpec = ConfigSpec> {
  module: ServiceModule<S>;
  config: CommonConfig & ConfigOf<S>;
  port: number;
  /** The variable the port came from (`PORT`, else `<NAME>_PORT`), for messages about it. */
  portVariable: string;
  /** The environment it was read from (tracing reads its OTEL_* variables at start). */
  env: NodeJS.ProcessEnv;
}

/**
 * Reads and checks everything a service needs from `env` without opening anything, so a
 * process running several services can refuse a bad configuration before any port opens.
 * Throws ConfigError naming every problem.
 */
export function planService<S extends ConfigSpec>(module: ServiceModule<S>, env: NodeJS.ProcessEnv = process.env): ServicePlan<S> {
  const problems: string[] = [];
  const attempt = <T>(read: () => T): T | undefined => {
    try {
      return read();
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      problems.push(...err.problems);
      return undefined;
    }
  };
  const common = attempt(() => loadConfig(commonConfigSpec, env));
  const own = attempt(() => loadConfig(module.configSpec, env));
  const port = attempt(() => portOf(module.name, env));
  if (common?.SERVICE_PUBLIC_KEY && !common.SERVICE_PRIVATE_KEY) {
    problems.push("SERVICE_PRIVATE_KEY is required when SERVICE_PUBLIC_KEY is set (every service signs its own credentials)");
  }
  if (problems.length > 0 || !common || !own || !port) throw new ConfigError(problems);
  return { module, config: { ...common, ...own }, ...port, env };
}

/** `PORT`, else `<NAME>_PORT`, else the service's default port. */
function portOf(name: ServiceName, env: NodeJS.ProcessEnv): { port: number; portVariable: string } {
  const named = `${name.toUpperCase()}_PORT`;
  const portVariable = env.PORT !== undefined && env.PORT !== "" ? "PORT" : named;
  const raw = env[portVariable];
  if (raw === undefined || raw === "") return { port: meshServices[name].defaultPort, portVariable };
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new ConfigError([`${portVariable}=${JSON.stringify(raw)} is not a port number (0-65535)`]);
  return { port: n, portVariable };
}

/** Where the data lives, without credentials: `PostgreSQL db.internal:5432/wms` or the embedded directory. */
export function describeDatabase(config: Pick<CommonConfig, "DATABASE_URL" | "DATA_DIR">): string {
  if (!config.DATABASE_URL) return `embedded PGlite in ${resolve(config.DATA_DIR, "pglite")}`;
  const url = new URL(config.DATABASE_URL);
  const database = decodeURIComponent(url.pathname.replace(/^\//, "")) || "(default database)";
  return `PostgreSQL ${url.host}/${database}`;
}

/**
 * The lock mode a service's config selects: Redlock over its Redis nodes, or in-process;
 * undefined for a service that takes no locks (no LOCK_TTL in its config: the user service
 * reads REDIS_URLS for its login-throttle counters only).
 */
export function describeLocks(config: object): string | undefined {
  if (!("REDIS_URLS" in config) || !("LOCK_TTL" in config)) return undefined;
  const urls = config.REDIS_URLS;
  if (!Array.isArray(urls) || urls.length === 0) return "in-process";
  return `Redlock over ${urls.length} Redis node${urls.length === 1 ? "" : "s"}`;
}

/** The port a service listens on: `PORT`, else `<NAME>_PORT`, else its default. */
export function portFor(name: ServiceName, env: NodeJS.ProcessEnv): number {
  return portOf(name, env).port;
}
