import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { serviceNames, type ServiceName } from "@wms/proto/services";
import { createTestDatabase, freePort, TEST_REDIS_URL } from "@wms/testing";
import { buildProduction } from "../../scripts/build.js";
import { defaultReplicas, launchMesh, type LaunchedMesh } from "../../services/launcher.js";
import type { Mesh } from "./mesh.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

export interface ProcessMesh extends Mesh {
  readonly launched: LaunchedMesh;
  readonly databaseUrl: string;
}

/**
 * What `npm run mesh` runs, on free ports and a fresh database: the build output (built once
 * per test file, inside node_modules so its imports resolve), every replica its own process.
 * One connection per process unless `env` says more: the test server's connections are
 * shared by every test file running at the same time.
 */
export async function startProcessMesh(env: Record<string, string> = {}): Promise<ProcessMesh> {
  const outDir = join(repoRoot, "node_modules", ".cache", `wms-mesh-${process.pid}-${randomBytes(3).toString("hex")}`);
  const dataDir = mkdtempSync(join(tmpdir(), "wms-processes-"));
  const database = await createTestDatabase("processes");
  const cleanup = async () => {
    await database.drop();
    rmSync(outDir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  };
  let output = "";
  try {
    await buildProduction(outDir);
    const ports = {} as Record<ServiceName, number[]>;
    for (const name of serviceNames) ports[name] = await Promise.all(Array.from({ length: defaultReplicas[name] }, () => freePort()));
    const gatewayMetricsPort = await freePort();
    const launched = await launchMesh({
      run: { command: process.execPath, args: ["--enable-source-maps", join(outDir, "main.js")], cwd: repoRoot },
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: database.url,
        REDIS_URLS: TEST_REDIS_URL,
        // Login-throttle counters of its own on the shared Redis.
        LOGIN_THROTTLE_KEY_PREFIX: `wms-test:${randomBytes(6).toString("hex")}`,
        DATA_DIR: dataDir,
        DB_POOL_SIZE: "1",
        LOG_LEVEL: "warn",
        ...env,
      },
      ports,
      gatewayPort: await freePort(),
      metricsPort: (name) => (name === "gateway" ? gatewayMetricsPort : 0),
      output: (line) => {
        output += `${line}\n`;
      },
      startTimeoutMs: 120_000,
    });
    return {
      launched,
      databaseUrl: database.url,
      restUrl: launched.restUrl,
      readyLine: `WMS mesh ready: ${launched.processes.length} processes, REST ${launched.restUrl}`,
      metricsUrl: `http://127.0.0.1:${gatewayMetricsPort}/metrics`,
      grpc: launched.addresses,
      output: () => output,
      async stop() {
        await launched.stop(15_000);
        await cleanup();
      },
    };
  } catch (err) {
    await cleanup();
    throw new Error(`${(err as Error).message}\n${output}`);
  }
}
