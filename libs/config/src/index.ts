export { parseDuration, formatDuration } from "./duration.js";
export { loadConfig, ConfigError, exitOnConfigError, type ConfigSpec, type ConfigOf } from "./load.js";
export * as env from "./fields.js";
