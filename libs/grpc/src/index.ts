export { CallContext, type UserPrincipal, type ServicePrincipal } from "./context.js";
export { bindService, unimplementedHandlers, type ServiceBinding, type UnaryHandler, type HandlersOf } from "./binding.js";
export { startGrpcServer, type RunningServer, type ServerOptions, type Middleware } from "./server.js";
export { createClient, ServiceCredentials, type PromiseClient, type CallOptions } from "./client.js";
export { unaryCall, type UnaryMethod, type UnaryCallOptions } from "./unary.js";
export { onShutdownSignal } from "./shutdown.js";
export { toTimestamp, fromTimestamp } from "./timestamp.js";
export { pageSize, encodePageToken, decodePageToken, nextPageToken } from "./pagination.js";
export { observeServerCall } from "./call-telemetry.js";
