import { ConfigError } from "@wms/config";
import { runGatewayStandalone } from "@wms/gateway";
import { createLogger } from "@wms/logging";
import { isServiceName, serviceNames } from "@wms/proto/services";
import { migrateServices, runStandalone } from "@wms/service";
import { serviceModule } from "./registry.js";

// One entry point for every process of a deployment (one container image): a service, the
// gateway, or `migrate` (every service's migrations, then exit), named by the first argument
// or by SERVICE.
const commands = [...serviceNames, "gateway", "migrate"] as const;
const name = process.argv[2] ?? process.env.SERVICE;

if (name === "gateway") {
  await runGatewayStandalone();
} else if (name === "migrate") {
  const logger = createLogger("wms");
  try {
    await migrateServices(serviceNames.map(serviceModule));
    logger.info({ services: serviceNames }, "migrations applied");
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`migrate: ${err.message}\n`);
      process.exit(2);
    }
    logger.fatal({ err }, "migrations failed");
    process.exit(1);
  }
} else if (name && isServiceName(name)) {
  await runStandalone(serviceModule(name));
} else {
  process.stderr.write(`usage: SERVICE=<${commands.join("|")}> (or the name as the first argument); got ${JSON.stringify(name ?? "")}\n`);
  process.exit(2);
}
