import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, parseDuration, env } from "./index.js";

describe("parseDuration", () => {
  it.each([
    ["15m", 900_000],
    ["2s", 2000],
    ["250ms", 250],
    ["1h30m", 5_400_000],
    ["1.5s", 1500],
  ])("%s is %d ms", (text, ms) => expect(parseDuration(text)).toBe(ms));
  it.each(["", "15", "m", "-1s", "1d", "1s 2s"])("rejects %j", (text) => expect(parseDuration(text)).toBeUndefined());
});

describe("loadConfig", () => {
  const spec = {
    PORT: env.port(8080),
    RESERVATION_TTL: env.duration("15m"),
    REDIS_URLS: env.urlList(["redis:"]),
    DEMO_DATA: env.boolean(true),
    NAME: env.string(undefined, "a name"),
  };

  it("applies defaults and parses values", () => {
    const config = loadConfig(spec, { RESERVATION_TTL: "3s", REDIS_URLS: "redis://a:1, redis://b:2", NAME: "x" });
    expect(config).toEqual({ PORT: 8080, RESERVATION_TTL: 3000, REDIS_URLS: ["redis://a:1", "redis://b:2"], DEMO_DATA: true, NAME: "x" });
  });

  it("names every bad or missing variable at once", () => {
    let caught: unknown;
    try {
      loadConfig({ ...spec, NAME: env.integer(undefined, 1, 5) }, { PORT: "99999", RESERVATION_TTL: "soon", REDIS_URLS: "http://x", DEMO_DATA: "maybe" });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const names = (caught as ConfigError).problems.map((p) => p.split(/[= ]/)[0]);
    expect(names).toEqual(["PORT", "RESERVATION_TTL", "REDIS_URLS", "DEMO_DATA", "NAME"]);
  });
});

describe("env.ipRangeList", () => {
  const spec = { TRUSTED: env.ipRangeList(["127.0.0.1", "::1"]) };
  it("reads addresses and CIDR ranges, `none` as no entry, unset as the default", () => {
    expect(loadConfig(spec, { TRUSTED: "10.0.0.0/8, 192.168.1.7,fd00::/8" }).TRUSTED).toEqual(["10.0.0.0/8", "192.168.1.7", "fd00::/8"]);
    expect(loadConfig(spec, { TRUSTED: "none" }).TRUSTED).toEqual([]);
    expect(loadConfig(spec, {}).TRUSTED).toEqual(["127.0.0.1", "::1"]);
  });
  it.each(["localhost", "10.0.0.0/33", "10.0.0.1/8/1", "::1/129", "1.2.3"])("refuses %j", (raw) => {
    expect(() => loadConfig(spec, { TRUSTED: raw })).toThrow(ConfigError);
  });
});
