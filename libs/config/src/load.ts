import type { Field } from "./fields.js";

export type ConfigSpec = Record<string, Field<unknown>>;
export type ConfigOf<S extends ConfigSpec> = { [K in keyof S]: S[K] extends Field<infer T> ? T : never };

/** A configuration that cannot start a process: every bad or missing variable by name. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join("\n  ")}`);
    this.name = "ConfigError";
  }
}

/**
 * Reads every variable of the spec (keys are the environment variable names), so that one
 * start reports all problems at once rather than one per restart.
 */
export function loadConfig<S extends ConfigSpec>(spec: S, source: NodeJS.ProcessEnv = process.env): ConfigOf<S> {
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [name, fieldSpec] of Object.entries(spec)) {
    const raw = source[name];
    if (raw === undefined || raw === "") {
      if (fieldSpec.fallback !== undefined) {
        out[name] = fieldSpec.fallback;
        continue;
      }
      const empty = fieldSpec.parse("");
      if (empty instanceof Error) problems.push(`${name} is required (${fieldSpec.help})`);
      else out[name] = empty;
      continue;
    }
    const parsed = fieldSpec.parse(raw);
    if (parsed instanceof Error) problems.push(`${name}=${JSON.stringify(raw)} is not ${parsed.message}`);
    else out[name] = parsed;
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return out as ConfigOf<S>;
}

/** Runs `load`; on a ConfigError prints it and exits 2, so a bad deployment stops at once. */
export function exitOnConfigError<T>(load: () => T): T {
  try {
    return load();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}
