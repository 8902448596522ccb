import { env, exitOnConfigError, loadConfig } from "@wms/config";
import { onShutdownSignal } from "@wms/grpc";
import { createLogger } from "@wms/logging";
import { startGateway } from "./server.js";

// The gateway on its own, in front of services running elsewhere (one process per service).
const logger = createLogger("gateway");

const config = exitOnConfigError(() =>
  loadConfig({
    GATEWAY_HOST: env.string("127.0.0.1", "the gateway's listen address"),
    GATEWAY_PORT: env.port(8080),
    GATEWAY_MAX_BODY: env.integer(1024 * 1024, 1024, 64 * 1024 * 1024),
    USER_SERVICE_ADDR: env.string("127.0.0.1:50051", "host:port"),
    SHOP_SERVICE_ADDR: env.string("127.0.0.1:50052", "host:port"),
    PRODUCT_SERVICE_ADDR: env.string("127.0.0.1:50053", "host:port"),
    WAREHOUSE_SERVICE_ADDR: env.string("127.0.0.1:50054", "host:port"),
    ORDER_SERVICE_ADDR: env.string("127.0.0.1:50055", "host:port"),
  }),
);

try {
  const gateway = await startGateway({
    host: config.GATEWAY_HOST,
    port: config.GATEWAY_PORT,
    maxBodyBytes: config.GATEWAY_MAX_BODY,
    upstreams: {
      user: config.USER_SERVICE_ADDR,
      shop: config.SHOP_SERVICE_ADDR,
      product: config.PRODUCT_SERVICE_ADDR,
      warehouse: config.WAREHOUSE_SERVICE_ADDR,
      order: config.ORDER_SERVICE_ADDR,
    },
    logger,
  });
  onShutdownSignal(logger, () => gateway.close());
} catch (err) {
  logger.fatal({ err }, "the gateway failed to start");
  process.exit(1);
}
