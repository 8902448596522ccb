export { startGateway, type GatewayOptions, type RunningGateway } from "./server.js";
