export { startGateway, type GatewayOptions, type RunningGateway } from "./server.js";
export { gatewayConfigSpec, gatewayLimits } from "./config.js";
export { runGatewayStandalone } from "./standalone.js";
