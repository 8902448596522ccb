import { isIP } from "node:net";
import { parseDuration } from "./duration.js";

/** One environment variable: how to parse it, and its default when unset. */
export interface Field<T> {
  readonly parse: (raw: string) => T | Error;
  readonly fallback: T | undefined;
  readonly help: string;
}

function field<T>(parse: (raw: string) => T | Error, fallback: T | undefined, help: string): Field<T> {
  return { parse, fallback, help };
}

export const string = (fallback?: string, help = "a string"): Field<string> =>
  field((raw) => raw, fallback, help);

export const optionalString = (help = "a string"): Field<string | undefined> =>
  field<string | undefined>((raw) => (raw === "" ? undefined : raw), undefined, help);

export const integer = (fallback: number | undefined, min: number, max: number): Field<number> =>
  field(
    (raw) => {
      const n = Number(raw);
      return Number.isInteger(n) && n >= min && n <= max ? n : new Error(`an integer in [${min}, ${max}]`);
    },
    fallback,
    `an integer in [${min}, ${max}]`,
  );

export const port = (fallback?: number): Field<number> => integer(fallback, 0, 65535);

/** Milliseconds, written like `15m`, `2s`, `250ms`. */
export const duration = (fallback?: string): Field<number> =>
  field(
    (raw) => {
      const ms = parseDuration(raw);
      return ms !== undefined && ms > 0 ? ms : new Error("a positive duration like 15m, 2s or 250ms");
    },
    fallback === undefined ? undefined : parseDuration(fallback),
    "a duration like 15m, 2s or 250ms",
  );

export const boolean = (fallback?: boolean): Field<boolean> =>
  field(
    (raw) => {
      const v = raw.toLowerCase();
      if (["1", "true", "yes", "on"].includes(v)) return true;
      if (["0", "false", "no", "off"].includes(v)) return false;
      return new Error("true or false");
    },
    fallback,
    "true or false",
  );

/** Comma-separated URLs; empty or unset is an empty list. */
export const urlList = (protocols: string[]): Field<string[]> =>
  field(
    (raw) => {
      const items = raw.split(",").map((s) => s.trim()).filter(Boolean);
      for (const item of items) {
        try {
          const url = new URL(item);
          if (!protocols.includes(url.protocol)) return new Error(`URLs of ${protocols.join(" or ")}; got ${url.protocol}`);
        } catch {
          return new Error("a comma-separated list of URLs");
        }
      }
      return items;
    },
    [],
    `comma-separated ${protocols.join("/")} URLs`,
  );

export const optionalUrl = (protocols: string[]): Field<string | undefined> =>
  field<string | undefined>(
    (raw) => {
      if (raw === "") return undefined;
      try {
        const url = new URL(raw);
        return protocols.includes(url.protocol) ? raw : new Error(`a URL of ${protocols.join(" or ")}`);
      } catch {
        return new Error("a URL");
      }
    },
    undefined,
    "a URL",
  );

export const oneOf = <T extends string>(values: readonly T[], fallback?: T): Field<T> =>
  field(
    (raw) => ((values as readonly string[]).includes(raw) ? (raw as T) : new Error(`one of ${values.join(", ")}`)),
    fallback,
    `one of ${values.join(", ")}`,
  );

/** Comma-separated IP addresses or CIDR ranges (`127.0.0.1,::1,10.0.0.0/8`); `none` is an empty list. */
export const ipRangeList = (fallback: string[]): Field<string[]> =>
  field(
    (raw) => {
      if (raw.trim() === "none") return [];
      const items = raw.split(",").map((s) => s.trim()).filter(Boolean);
      for (const item of items) {
        const [address = "", prefix, extra] = item.split("/");
        const family = isIP(address);
        const bits = family === 4 ? 32 : 128;
        if (family === 0 || extra !== undefined || (prefix !== undefined && !(/^\d+$/.test(prefix) && Number(prefix) <= bits))) {
          return new Error(`comma-separated IP addresses or CIDR ranges; ${JSON.stringify(item)} is neither`);
        }
      }
      return items;
    },
    fallback,
    "comma-separated IP addresses or CIDR ranges, or none",
  );
