import { exitOnConfigError, loadConfig } from "@wms/config";
import { onShutdownSignal } from "@wms/grpc";
import { createLogger } from "@wms/logging";
import { metricsConfigSpec, startMetricsServer } from "@wms/telemetry";
import { commonConfigSpec } from "@wms/service";
import { gatewayConfigSpec } from "./config.js";
import { startGateway } from "./server.js";

/** The gateway on its own, in front of services running elsewhere (one process per service), until SIGTERM. */
export async function runGatewayStandalone(): Promise<void> {
  const logger = createLogger("gateway");
  const config = exitOnConfigError(() =>
    loadConfig({
      ...gatewayConfigSpec,
      USER_SERVICE_ADDR: commonConfigSpec.USER_SERVICE_ADDR,
      SHOP_SERVICE_ADDR: commonConfigSpec.SHOP_SERVICE_ADDR,
      PRODUCT_SERVICE_ADDR: commonConfigSpec.PRODUCT_SERVICE_ADDR,
      WAREHOUSE_SERVICE_ADDR: commonConfigSpec.WAREHOUSE_SERVICE_ADDR,
      ORDER_SERVICE_ADDR: commonConfigSpec.ORDER_SERVICE_ADDR,
      ...metricsConfigSpec,
    }),
  );
  try {
    const gateway = await startGateway({
      host: config.GATEWAY_HOST,
      port: config.GATEWAY_PORT,
      maxBodyBytes: config.GATEWAY_MAX_BODY,
      corsOrigins: config.GATEWAY_CORS_ORIGINS,
      upstreams: {
        user: config.USER_SERVICE_ADDR,
        shop: config.SHOP_SERVICE_ADDR,
        product: config.PRODUCT_SERVICE_ADDR,
        warehouse: config.WAREHOUSE_SERVICE_ADDR,
        order: config.ORDER_SERVICE_ADDR,
      },
      logger,
    });
    const metrics = await startMetricsServer({ host: config.METRICS_HOST, port: config.METRICS_PORT, logger });
    onShutdownSignal(logger, async () => {
      await gateway.close();
      await metrics?.close();
    });
  } catch (err) {
    logger.fatal({ err }, "the gateway failed to start");
    process.exit(1);
  }
}
