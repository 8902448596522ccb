import type { ConfigOf, ConfigSpec } from "@wms/config";
import type { Database } from "@wms/db";
import type { ServiceBinding } from "@wms/grpc";
import type { Logger } from "@wms/logging";
import type { TokenIssuer } from "@wms/auth";
import type { CommonConfig, ServiceName } from "./config.js";
import type { Peers } from "./peers.js";

/** Everything a service is handed at start; services build their domain from these by factory. */
export interface ServiceDeps<S extends ConfigSpec> {
  config: CommonConfig & ConfigOf<S>;
  /** The primary: writes, and every read that decides stock, ownership or prices. */
  db: Database;
  /** Lag-tolerant reads only (listings, a product's page): a read replica when configured. */
  readDb: Database;
  logger: Logger;
  peers: Peers;
  /** Signs end-user tokens; undefined unless this process holds JWT_PRIVATE_KEY (the user service). */
  userTokenIssuer: TokenIssuer | undefined;
}

export interface StartedService {
  bindings: ServiceBinding[];
  /** Loads the demo data when this service's tables are empty; true when it loaded anything. */
  seedDemoData?: () => Promise<boolean>;
  /** Background work (sweepers) begun after the server listens. */
  startBackground?: () => void;
  /** Stops background work and closes what the service opened, after the server drained. */
  stop?: () => Promise<void>;
}

/** One service: its name, its own config, its migrations, and how to build it. */
export interface ServiceModule<S extends ConfigSpec = ConfigSpec> {
  name: ServiceName;
  configSpec: S;
  migrationsFolder: string;
  create(deps: ServiceDeps<S>): Promise<StartedService>;
}
