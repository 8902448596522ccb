import { describe, expect, it } from "vitest";
import { descriptorRegistry } from "@wms/proto/descriptors";
import { buildRoutes, findRoute } from "./routes.js";

const routes = buildRoutes(descriptorRegistry());
const rpcOf = (method: string, path: string) => {
  const match = findRoute(routes, method, path);
  return match.kind === "found" ? `${match.route.upstream}:${match.route.method.name}` : match.kind;
};

describe("buildRoutes", () => {
  it("gives every annotated RPC of the contract a route, and internal RPCs none", () => {
    const names = routes.map((r) => r.method.name);
    expect(names).toHaveLength(26);
    for (const internal of ["BatchGetProducts", "ReserveStock", "CommitReservation", "ReleaseReservation"]) expect(names).not.toContain(internal);
  });

  it("routes by method, path and verb", () => {
    expect(rpcOf("POST", "/v1/users:register")).toBe("user:Register");
    expect(rpcOf("POST", "/v1/users:login")).toBe("user:Login");
    expect(rpcOf("GET", "/v1/users/me")).toBe("user:GetUser");
    expect(rpcOf("POST", "/v1/warehouses/w1:setStatus")).toBe("warehouse:SetWarehouseStatus");
    expect(rpcOf("PATCH", "/v1/warehouses/w1")).toBe("warehouse:UpdateWarehouse");
    expect(rpcOf("POST", "/v1/warehouses/w1/stock:add")).toBe("warehouse:AddStock");
    expect(rpcOf("POST", "/v1/warehouses/w1/stock:adjust")).toBe("warehouse:AdjustStock");
    expect(rpcOf("PATCH", "/v1/products/p1")).toBe("product:UpdateProduct");
    expect(rpcOf("GET", "/v1/shops/s1/warehouses")).toBe("warehouse:ListWarehouses");
    expect(rpcOf("POST", "/v1/shops/s1/products")).toBe("product:CreateProduct");
    expect(rpcOf("POST", "/v1/orders/o1:pay")).toBe("order:PayOrder");
    expect(rpcOf("GET", "/v1/availability")).toBe("warehouse:GetAvailability");
  });

  it("tells an unknown path (404) from a known path with another method (405)", () => {
    expect(findRoute(routes, "GET", "/v1/nothing")).toEqual({ kind: "not-found" });
    expect(findRoute(routes, "POST", "/v1/products/BatchGetProducts")).toEqual({ kind: "method-not-allowed", allowed: ["GET", "PATCH"] });
    expect(findRoute(routes, "DELETE", "/v1/shops")).toEqual({ kind: "method-not-allowed", allowed: ["GET", "POST"] });
    expect(findRoute(routes, "POST", "/wms.product.v1.ProductService/BatchGetProducts")).toEqual({ kind: "not-found" });
  });
});
