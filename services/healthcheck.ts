import { readFileSync } from "node:fs";
import { service as healthService } from "grpc-health-check";
import { createClient } from "@wms/grpc";
import { isServiceName, type ServiceName } from "@wms/proto/services";
import { portFor } from "@wms/service";

// The container's HEALTHCHECK (the image has no grpc_health_probe): exits 0 when the process
// named by the argument or SERVICE answers — the gRPC health service for a service, GET
// /healthz for the gateway. Kubernetes does not use it: its probes are native grpc/httpGet.
const name = process.argv[2] ?? process.env.SERVICE ?? containerCommand() ?? "";
const timeoutMs = 3_000;

/** In a container started as `image <name>`, PID 1 is `node ... dist/main.js <name>`. */
function containerCommand(): string | undefined {
  try {
    const args = readFileSync("/proc/1/cmdline", "utf8").split("\0");
    const main = args.findIndex((a) => a.endsWith("main.js"));
    return main >= 0 ? args[main + 1] || undefined : undefined;
  } catch {
    return undefined;
  }
}

function fail(reason: string): never {
  process.stderr.write(`unhealthy: ${reason}\n`);
  process.exit(1);
}

async function checkGateway(): Promise<void> {
  const port = process.env.GATEWAY_PORT || "8080";
  const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(timeoutMs) });
  if (res.status !== 200) fail(`gateway /healthz answered ${res.status}`);
}

async function checkService(service: ServiceName): Promise<void> {
  const port = portFor(service, process.env);
  const client = createClient(healthService, `127.0.0.1:${port}`);
  const check = client.Check;
  if (!check) fail("grpc-health-check has no Check method");
  try {
    const { status } = (await check({ service: "" }, { deadline: new Date(Date.now() + timeoutMs) })) as { status: string };
    if (status !== "SERVING") fail(`${service} health is ${status}`);
  } finally {
    client.close();
  }
}

try {
  if (name === "gateway") await checkGateway();
  else if (isServiceName(name)) await checkService(name);
  else fail(`SERVICE=${JSON.stringify(name)} is not a service or the gateway`);
} catch (err) {
  fail(err instanceof Error ? err.message : String(err));
}
