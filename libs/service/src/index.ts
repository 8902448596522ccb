export {
  commonConfigSpec,
  serviceAddressSpec,
  serviceAddresses,
  addressVariable,
  type CommonConfig,
  type ServiceName,
} from "./config.js";
export { type ServiceModule, type ServiceDeps, type StartedService } from "./module.js";
export { createPeers, type Peers } from "./peers.js";
export { startService, portFor, type RunningService, type SharedResources } from "./start.js";
export { runStandalone } from "./standalone.js";
export { migrateServices } from "./migrate.js";
export { runPeriodically, sweepInBatches, type PeriodicTask, type BatchOutcome } from "./periodic.js";
