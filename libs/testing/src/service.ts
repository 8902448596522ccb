import type { ServiceDefinition } from "@grpc/grpc-js";
import type { ConfigSpec } from "@wms/config";
import { createTestDatabase } from "./database.js";
import { createClient, type PromiseClient } from "@wms/grpc";
import { startService, type ServiceModule, type RunningService, type SharedResources } from "@wms/service";
import { testTokens, type TestTokens } from "./tokens.js";

export interface TestService {
  running: RunningService;
  address: string;
  stop(): Promise<void>;
}

/** Starts a service on a free port (PORT=0) with the given environment; no demo data unless asked. */
export async function startTestService<S extends ConfigSpec>(
  module: ServiceModule<S>,
  env: Record<string, string>,
  shared: SharedResources = {},
): Promise<TestService> {
  const running = await startService(module, { DEMO_DATA: "false", PORT: "0", ...env }, shared);
  return { running, address: running.server.address, stop: () => running.stop() };
}

/** Real services for one test file: one fresh database, one key pair, stopped together. */
export interface TestServices {
  /** The key pair every service here trusts, and tokens signed with it. */
  readonly tokens: TestTokens;
  /** DATABASE_URL (the database is created on first use) and the key pair: what every service needs. */
  env(): Promise<Record<string, string>>;
  /** Starts `module` with env() plus `env`. Its stop() may be called early; stop() below skips it then. */
  start<S extends ConfigSpec>(module: ServiceModule<S>, env?: Record<string, string>): Promise<TestService>;
  /** A client that stop() closes. */
  client<D extends ServiceDefinition>(definition: D, address: string): PromiseClient<D>;
  /** Closes the clients, stops the services newest first (callers before callees), drops the database. */
  stop(): Promise<void>;
}

/**
 * Nothing starts until start(): the object exists at module level, so tests can mint tokens
 * from `tokens` and call start() in beforeAll and stop() in afterAll.
 */
export function testServices(label: string, options: { env?: Record<string, string> } = {}): TestServices {
  const tokens = testTokens();
  let database: ReturnType<typeof createTestDatabase> | undefined;
  const services: TestService[] = [];
  const clients: Array<{ close(): void }> = [];
  const env = async () => {
    database ??= createTestDatabase(label);
    const { url } = await database;
    return { DATABASE_URL: url, ...tokens.env(), ...options.env };
  };
  return {
    tokens,
    env,
    async start(module, extra = {}) {
      const service = await startTestService(module, { ...(await env()), ...extra });
      let stopped: Promise<void> | undefined;
      const tracked: TestService = { ...service, stop: () => (stopped ??= service.stop()) };
      services.push(tracked);
      return tracked;
    },
    client(definition, address) {
      const client = createClient(definition, address);
      clients.push(client);
      return client;
    },
    async stop() {
      for (const client of clients.splice(0)) client.close();
      // Every service is stopped and the database dropped even when one stop fails.
      const failures: unknown[] = [];
      for (const service of services.splice(0).reverse()) await service.stop().catch((err: unknown) => failures.push(err));
      const created = database;
      database = undefined;
      if (created) await created.then((d) => d.drop(), () => undefined).catch((err: unknown) => failures.push(err));
      if (failures.length > 0) throw new AggregateError(failures, "stopping the test services failed");
    },
  };
}
