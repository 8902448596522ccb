import { pino, type DestinationStream, type Logger } from "pino";
import { traceFields } from "./trace-fields.js";
import { CENSOR, censorNested, REDACTED_PATHS, serializeError, type SerializeOptions } from "./redaction.js";

export type { Logger };
export { serializeError, type SerializeOptions };

/** The logger each `createLogger` made, before its `service` binding, so `loggerFor` can rebind it. */
const unbound = new WeakMap<Logger, Logger>();

/**
 * Structured JSON logs on stdout; LOG_LEVEL picks the level (default info, `silent` in tests).
 * Every line carries one `service`, and `trace_id`/`span_id` when written inside a traced
 * request. Secrets are never written: known secret fields are censored, errors are reduced to
 * fields that cannot carry SQL parameters. Stack traces (source paths) are written only when the
 * level is debug or trace; at info they stay out of the logs, and they never reach a response.
 */
export function createLogger(service: string, level = process.env.LOG_LEVEL ?? "info", destination?: DestinationStream): Logger {
  const options = {
    level,
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: traceFields,
    redact: { paths: REDACTED_PATHS, censor: CENSOR },
    // Secrets one level down (pino's formatters.bindings covers only the root's own bindings;
    // children's are censored in censorChildBindings).
    formatters: { log: censorNested },
    // Read when a line is written, so a level changed at run time takes effect.
    serializers: { err: (err: unknown) => serializeError(err, { stack: root.isLevelEnabled("debug") }) },
  };
  const root: Logger = destination ? pino(options, destination) : pino(options);
  censorChildBindings(root);
  const logger = root.child({ service });
  unbound.set(logger, root);
  return logger;
}

/**
 * The same output as `logger`, its lines marked with `service` instead (a pino child would
 * write a second `service` key). A logger made elsewhere just gets the binding.
 */
export function loggerFor(logger: Logger, service: string): Logger {
  const root = unbound.get(logger);
  if (!root) return logger.child({ service });
  const rebound = root.child({ service });
  unbound.set(rebound, root);
  return rebound;
}

/**
 * Every logger made from `root` (children are prototype-chained to it) censors the nested
 * secrets of its child bindings, as the line's own fields are.
 */
function censorChildBindings(root: Logger): void {
  const inherited: unknown = root.child;
  const child = inherited as (this: Logger, bindings: Record<string, unknown>, options?: object) => Logger;
  function censored(this: Logger, bindings: Record<string, unknown>, options?: object): Logger {
    return child.call(this, censorNested(bindings), options);
  }
  Object.defineProperty(root, "child", { value: censored, writable: true, configurable: true });
}
