export {
  commonConfigSpec,
  serviceAddressSpec,
  serviceAddresses,
  addressVariable,
  type CommonConfig,
  type ServiceName,
} from "./config.js";
export { type ServiceModule, type ServiceDeps, type StartedService } from "./module.js";
export { createPeers, meshClients, type MeshClients, type Peers } from "./peers.js";
export { planService, describeDatabase, describeLocks, portFor, type ServicePlan } from "./plan.js";
export { checkPortsFree, type PortClaim } from "./ports.js";
export { startService, startPlannedService, isAddressInUse, type RunningService, type SharedResources } from "./start.js";
export { runStandalone, demoDataState } from "./standalone.js";
export { migrateServices } from "./migrate.js";
export { runPeriodically, sweepInBatches, type PeriodicTask, type BatchOutcome } from "./periodic.js";
