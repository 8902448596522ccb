import { env, type ConfigOf } from "@wms/config";

export const peerNames = ["user", "shop", "product", "warehouse", "order"] as const;
export type ServiceName = (typeof peerNames)[number];

export const defaultPorts: Record<ServiceName, number> = {
  user: 50051,
  shop: 50052,
  product: 50053,
  warehouse: 50054,
  order: 50055,
};

/** Variables every service reads. A service's own config.ts adds its own. */
export const commonConfigSpec = {
  HOST: env.string("127.0.0.1", "the address to listen on"),
  DATABASE_URL: env.optionalUrl(["postgres:", "postgresql:"]),
  DB_POOL_SIZE: env.integer(10, 1, 200),
  DATA_DIR: env.string(".data", "a directory for the embedded database and keys"),
  /** Signs end users' access tokens: the user service only. */
  JWT_PRIVATE_KEY: env.optionalString("an Ed25519 private key, PEM"),
  /** Verifies end users' access tokens: every service. */
  JWT_PUBLIC_KEY: env.optionalString("an Ed25519 public key, PEM"),
  /** Signs and verifies the short-lived credentials services present to each other. */
  SERVICE_PRIVATE_KEY: env.optionalString("an Ed25519 private key, PEM"),
  SERVICE_PUBLIC_KEY: env.optionalString("an Ed25519 public key, PEM"),
  DEMO_DATA: env.boolean(true),
  /** false when migrations run once before a rollout (`migrate`), so replicas never race to apply them. */
  MIGRATE: env.boolean(true),
  SHUTDOWN_GRACE: env.duration("10s"),
  USER_SERVICE_ADDR: env.string(`127.0.0.1:${defaultPorts.user}`, "host:port"),
  SHOP_SERVICE_ADDR: env.string(`127.0.0.1:${defaultPorts.shop}`, "host:port"),
  PRODUCT_SERVICE_ADDR: env.string(`127.0.0.1:${defaultPorts.product}`, "host:port"),
  WAREHOUSE_SERVICE_ADDR: env.string(`127.0.0.1:${defaultPorts.warehouse}`, "host:port"),
  ORDER_SERVICE_ADDR: env.string(`127.0.0.1:${defaultPorts.order}`, "host:port"),
};

export type CommonConfig = ConfigOf<typeof commonConfigSpec>;
