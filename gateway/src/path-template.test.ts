import { describe, expect, it } from "vitest";
import { matchPathTemplate, parsePathTemplate } from "./path-template.js";

const match = (template: string, path: string) => matchPathTemplate(parsePathTemplate(template), path);

describe("parsePathTemplate", () => {
  it("splits literals, variables and the custom verb", () => {
    expect(parsePathTemplate("/v1/warehouses/{warehouse_id}/stock:add")).toEqual({
      source: "/v1/warehouses/{warehouse_id}/stock:add",
      segments: [
        { kind: "literal", value: "v1" },
        { kind: "literal", value: "warehouses" },
        { kind: "variable", fieldPath: "warehouse_id" },
        { kind: "literal", value: "stock" },
      ],
      verb: "add",
    });
    expect(parsePathTemplate("/v1/users:register").verb).toBe("register");
    expect(parsePathTemplate("/v1/warehouses/{warehouse_id}:setStatus").segments[2]).toEqual({ kind: "variable", fieldPath: "warehouse_id" });
    expect(parsePathTemplate("/v1/shops/{shop_id=*}").segments[2]).toEqual({ kind: "variable", fieldPath: "shop_id" });
    expect(parsePathTemplate("/v1/shops").verb).toBeUndefined();
  });

  it("refuses what the gateway cannot serve", () => {
    expect(() => parsePathTemplate("v1/shops")).toThrow(/must start with/);
    expect(() => parsePathTemplate("/v1/{name=shops/*}")).toThrow(/one segment/);
    expect(() => parsePathTemplate("/v1/{name=**}")).toThrow(/one segment/);
    expect(() => parsePathTemplate("/v1/**")).toThrow(/bad segment/);
    expect(() => parsePathTemplate("/v1/{9bad}")).toThrow(/bad field path/);
  });
});

describe("matchPathTemplate", () => {
  it("binds one segment per variable, percent-decoded", () => {
    expect(match("/v1/users/{user_id}", "/v1/users/me")).toEqual({ user_id: "me" });
    expect(match("/v1/users/{user_id}", "/v1/users/a%20b%2Fc")).toEqual({ user_id: "a b/c" });
    expect(match("/v1/shops/{shop_id}/products", "/v1/shops/s1/products")).toEqual({ shop_id: "s1" });
    expect(match("/v1/shops", "/v1/shops")).toEqual({});
  });

  it("requires the verb, and splits it off before decoding", () => {
    expect(match("/v1/users:register", "/v1/users:register")).toEqual({});
    expect(match("/v1/users:register", "/v1/users:login")).toBeUndefined();
    expect(match("/v1/users:register", "/v1/users")).toBeUndefined();
    expect(match("/v1/warehouses/{warehouse_id}:setStatus", "/v1/warehouses/w1:setStatus")).toEqual({ warehouse_id: "w1" });
    expect(match("/v1/warehouses/{warehouse_id}:setStatus", "/v1/warehouses/w1%3AsetStatus")).toBeUndefined();
    expect(match("/v1/warehouses/{warehouse_id}/stock:add", "/v1/warehouses/w%3A1/stock:add")).toEqual({ warehouse_id: "w:1" });
  });

  it("rejects other shapes", () => {
    expect(match("/v1/shops/{shop_id}", "/v1/shops")).toBeUndefined();
    expect(match("/v1/shops/{shop_id}", "/v1/shops/")).toBeUndefined();
    expect(match("/v1/shops/{shop_id}", "/v1/shops/a/b")).toBeUndefined();
    expect(match("/v1/shops/{shop_id}", "/v2/shops/a")).toBeUndefined();
    expect(match("/v1/shops", "/v1/shops:list")).toBeUndefined();
    expect(match("/v1/shops/{shop_id}", "/v1/shops/%E0%A4%A")).toBeUndefined();
    expect(match("/v1/shops", "v1/shops")).toBeUndefined();
  });
});
