export { startGateway, type GatewayOptions, type RunningGateway } from "./server.js";
export { gatewayConfigSpec } from "./config.js";
export { runGatewayStandalone } from "./standalone.js";
