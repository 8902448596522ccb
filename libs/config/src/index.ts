export { parseDuration } from "./duration.js";
export { loadConfig, ConfigError, exitOnConfigError, type ConfigSpec, type ConfigOf } from "./load.js";
export type { Field } from "./fields.js";
export * as env from "./fields.js";
