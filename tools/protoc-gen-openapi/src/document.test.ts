import { describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { createConfig, lint } from "@redocly/openapi-core";
import { buildRoutes } from "@wms/gateway/routes";
import { descriptorRegistry } from "@wms/proto/descriptors";
import { openApiDocumentText } from "@wms/proto/openapi";
import { openApiPath } from "./operations.js";

// The committed document, as `npm run generate` wrote it with this plugin (CI regenerates it
// and fails on any difference, so this is also what the plugin produces today).
const documentPath = fileURLToPath(new URL("../../../libs/proto/openapi/openapi.json", import.meta.url));
// Loosely typed on purpose: the test walks a JSON document whose shape it is checking.
type Json = Record<string, any>;
const document = JSON.parse(openApiDocumentText()) as Json;
const schemas = document.components.schemas as Json;

describe("the generated OpenAPI document", () => {
  it("passes Redocly's recommended-strict lint with no problem but the license the project has not chosen", async () => {
    const config = await createConfig({ extends: ["recommended-strict"], rules: { "info-license": "off" } });
    const problems = await lint({ ref: documentPath, config });
    expect(problems.map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer ?? "?"}`)).toEqual([]);
    expect(document.openapi).toBe("3.1.0");
  });

  it("has one operation for every route the gateway serves, and no other", () => {
    const routes = buildRoutes(descriptorRegistry());
    const served = routes.map((r) => `${r.httpMethod} ${openApiPath(r)} ${r.method.parent.name}_${r.method.name}`).sort();
    const documented = Object.entries(document.paths as Json).flatMap(([path, item]) =>
      Object.entries(item as Json).map(([verb, op]) => `${verb.toUpperCase()} ${path} ${(op as Json).operationId}`),
    );
    expect(documented.sort()).toEqual(served);
    expect(served.length).toBeGreaterThanOrEqual(24);
    expect(document.paths["/v1/orders"].post.operationId).toBe("OrderService_Checkout");
  });

  it("takes parameters from the annotations: path variables, the body, and query fields for GETs", () => {
    const pay = document.paths["/v1/orders/{orderId}:pay"].post;
    expect(pay.parameters).toEqual([{ name: "orderId", in: "path", required: true, schema: { type: "string" } }]);
    // body "*" less the path field
    expect(Object.keys(pay.requestBody.content["application/json"].schema.properties)).toEqual(["paymentReference"]);
    const listProducts = document.paths["/v1/products"].get;
    expect(listProducts.parameters.map((p: Json) => [p.name, p.in])).toEqual([
      ["shopId", "query"],
      ["pageSize", "query"],
      ["pageToken", "query"],
    ]);
    expect(listProducts.requestBody).toBeUndefined();
    const availability = document.paths["/v1/availability"].get.parameters[0];
    expect(availability).toMatchObject({ name: "productIds", in: "query", style: "form", explode: true, schema: { type: "array" } });
    expect(document.paths["/v1/orders"].post.description).toMatch(/reserves stock for every line or none/);
  });

  it("writes schemas in the proto3 JSON mapping: int64 as string, enums by name, Timestamp as RFC 3339", () => {
    const order = schemas["wms.order.v1.Order"];
    expect(order.properties.totalCents).toMatchObject({ type: "string", format: "int64" });
    expect(order.properties.status).toEqual({ $ref: "#/components/schemas/wms.order.v1.OrderStatus" });
    expect(schemas["wms.order.v1.OrderStatus"].enum).toEqual(expect.arrayContaining(["ORDER_STATUS_PENDING_PAYMENT", "ORDER_STATUS_PAID"]));
    expect(order.properties.createTime).toMatchObject({ type: "string", format: "date-time" });
    expect(schemas["wms.product.v1.ListProductsRequest"]).toBeUndefined(); // GET: its fields are parameters
    expect(schemas["wms.order.v1.CheckoutItem"].properties.quantity).toMatchObject({ type: "string", format: "int64" });
    // The gateway always writes implicit fields in responses, so they are required there only.
    expect(order.required).toEqual(expect.arrayContaining(["orderId", "status", "items", "totalCents"]));
    expect(order.required).not.toContain("createTime");
    expect(schemas["wms.order.v1.CheckoutRequest"].required).toBeUndefined();
  });

  it("declares bearer auth and answers errors as google.rpc.Status with typed ErrorInfo and BadRequest details", () => {
    expect(document.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
    expect(document.security).toEqual([{ bearerAuth: [] }, {}]);
    const checkout = document.paths["/v1/orders"].post;
    expect(checkout.responses.default).toEqual({ $ref: "#/components/responses/Error" });
    expect(document.components.responses.Error.content["application/json"].schema).toEqual({ $ref: "#/components/schemas/google.rpc.Status" });
    const status = schemas["google.rpc.Status"];
    expect(status.required).toEqual(["code", "message", "details"]);
    expect(status.properties.details.items.anyOf.slice(0, 2)).toEqual([
      { $ref: "#/components/schemas/google.rpc.ErrorInfoDetail" },
      { $ref: "#/components/schemas/google.rpc.BadRequestDetail" },
    ]);
    expect(schemas["google.rpc.ErrorInfoDetail"].allOf[0].properties["@type"].const).toBe("type.googleapis.com/google.rpc.ErrorInfo");
    expect(Object.keys(schemas["google.rpc.ErrorInfo"].properties)).toEqual(["reason", "domain", "metadata"]);
    expect(Object.keys(schemas["google.rpc.BadRequest.FieldViolation"].properties)).toEqual(expect.arrayContaining(["field", "description", "reason"]));
  });
});
