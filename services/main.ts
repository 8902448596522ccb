import { peerNames, runStandalone, type ServiceName } from "@wms/service";
import { serviceModules } from "./registry.js";

// One entry point for every service (one container image): the service is named by the
// first argument or by SERVICE.
const name = process.argv[2] ?? process.env.SERVICE;
if (!name || !(peerNames as readonly string[]).includes(name)) {
  process.stderr.write(`usage: SERVICE=<${peerNames.join("|")}> npm run start:service  (or pass the name as an argument); got ${JSON.stringify(name ?? "")}\n`);
  process.exit(2);
}
await runStandalone(serviceModules[name as ServiceName]);
