import type { ConfigSpec } from "@wms/config";
import { startService, type ServiceModule, type RunningService, type SharedResources } from "@wms/service";

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
