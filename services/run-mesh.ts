import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { meshServices, serviceNames, type ServiceName } from "@wms/proto/services";
import { defaultReplicas, launchMesh, type LaunchedMesh } from "./launcher.js";

// `npm run mesh`: every service as its own OS process against PostgreSQL and Redis, the way a
// deployment runs them, on one machine. The processes run the build output under plain node
// (`npm run mesh` builds first): eight tsx processes would each compile the whole source tree
// at start and hold its compiler in memory; only this small launcher runs under tsx.

const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const entry = fileURLToPath(new URL("../dist/main.js", import.meta.url));

const missing = ["DATABASE_URL", "REDIS_URLS"].filter((name) => !process.env[name]);
if (missing.length > 0) {
  process.stderr.write(
    `npm run mesh runs every service as its own process, so they need shared state: set ${missing.join(" and ")}\n` +
      "  DATABASE_URL=postgres://user@host:5432/wms   (created if missing)\n" +
      "  REDIS_URLS=redis://127.0.0.1:6379            (several comma-separated nodes for a Redlock quorum)\n" +
      "(`npm start` runs the whole mesh in one process with an embedded database instead)\n",
  );
  process.exit(2);
}
if (!existsSync(entry)) {
  process.stderr.write(`${entry} is missing: run \`npm run build\` first (\`npm run mesh\` does)\n`);
  process.exit(2);
}

let mesh: LaunchedMesh | undefined;
let stopping = false;
const stop = (signal: NodeJS.Signals) => {
  if (stopping) return;
  stopping = true;
  process.stdout.write(`mesh: ${signal}, stopping every process\n`);
  void (mesh?.stop() ?? Promise.resolve()).then(() => process.exit(0));
};
// A Ctrl-C in a terminal reaches the children too (same process group); they drain either way.
process.on("SIGINT", stop);
process.on("SIGTERM", stop);

try {
  mesh = await launchMesh({
    run: { command: process.execPath, args: ["--enable-source-maps", entry], cwd: repoRoot },
    env: process.env,
    ports: firstPorts(),
    gatewayPort: process.env.GATEWAY_PORT ? Number(process.env.GATEWAY_PORT) : undefined,
    metricsPort: process.env.METRICS_PORT ? Number(process.env.METRICS_PORT) : undefined,
  });
  for (const p of mesh.processes) {
    void p.exited().then((code) => {
      if (!stopping) process.stdout.write(`mesh: ${p.name} (pid ${p.pid ?? "?"}) exited with ${code}\n`);
    });
  }
  const grpc = Object.entries(mesh.addresses)
    .map(([name, address]) => `${name}=${address}`)
    .join(" ");
  process.stdout.write(`WMS mesh ready: ${mesh.processes.length} processes, REST ${mesh.restUrl}  gRPC ${grpc}\n`);
} catch (err) {
  process.stderr.write(`mesh: ${(err as Error).message}\n`);
  process.exit(1);
}

/** `<NAME>_PORT` moves a service's first replica (as with `npm start`); its others follow 10 apart. */
function firstPorts(): Record<ServiceName, number[]> {
  return Object.fromEntries(
    serviceNames.map((name) => {
      const first = Number(process.env[`${name.toUpperCase()}_PORT`] || meshServices[name].defaultPort);
      return [name, Array.from({ length: defaultReplicas[name] }, (_, i) => first + i * 10)];
    }),
  ) as Record<ServiceName, number[]>;
}

