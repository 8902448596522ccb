import { loadConfig } from "@wms/config";
import { openDatabase } from "@wms/db";
import { commonConfigSpec } from "./config.js";
import type { ServiceModule } from "./module.js";

/**
 * Applies every service's migrations, then returns: run once before a rollout (a Kubernetes
 * Job) so that replicas started with MIGRATE=false never race each other to migrate.
 */
export async function migrateServices(modules: readonly ServiceModule[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const config = loadConfig(commonConfigSpec, env);
  for (const module of modules) {
    const handle = await openDatabase({
      url: config.DATABASE_URL,
      dataDir: config.DATA_DIR,
      service: module.name,
      migrationsFolder: module.migrationsFolder,
      poolSize: 1,
      migrate: true,
    });
    await handle.close();
  }
}
