import { describe, expect, it } from "vitest";
import { loadConfig } from "@wms/config";
import { userConfigSpec } from "../services/user/src/config.js";
import { warehouseConfigSpec } from "../services/warehouse/src/config.js";
import { describeLocks } from "@wms/service";

describe("describeLocks", () => {
  it("names Redlock for the warehouse, and nothing for the user service, which reads REDIS_URLS for login throttling only", () => {
    const env = { REDIS_URLS: "redis://127.0.0.1:6379" };
    expect(describeLocks(loadConfig(warehouseConfigSpec, env))).toBe("Redlock over 1 Redis node");
    expect(describeLocks(loadConfig(warehouseConfigSpec, {}))).toBe("in-process");
    expect(describeLocks(loadConfig(userConfigSpec, env))).toBeUndefined();
  });
});
