import { describe, expect, it } from "vitest";
import { toJson, type DescMessage } from "@bufbuild/protobuf";
import { descriptorRegistry } from "@wms/proto/descriptors";
import { buildRequestMessage, queryToJson, TranscodeError } from "./request-message.js";

const registry = descriptorRegistry();
function message(name: string): DescMessage {
  const desc = registry.getMessage(name);
  if (!desc) throw new Error(`${name} missing`);
  return desc;
}
const query = (text: string) => new URLSearchParams(text);

function build(input: string, body: string, params: Record<string, string>, q: string, bodyText = ""): unknown {
  const desc = message(input);
  return toJson(desc, buildRequestMessage({ input: desc, body }, params, query(q), bodyText, registry), { registry });
}

function transcodeError(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(TranscodeError);
    return (err as Error).message;
  }
  throw new Error("expected a TranscodeError");
}

describe("queryToJson", () => {
  it("collects repeated parameters under either name", () => {
    const desc = message("wms.warehouse.v1.GetAvailabilityRequest");
    expect(queryToJson(desc, query("productIds=a&productIds=b&product_ids=c"))).toEqual({ productIds: ["a", "b", "c"] });
  });

  it("reads enums by name or number and keeps numbers as strings for fromJson", () => {
    const desc = message("wms.order.v1.ListOrdersRequest");
    expect(queryToJson(desc, query("status=ORDER_STATUS_PAID&page_size=5&pageToken=t"))).toEqual({
      status: "ORDER_STATUS_PAID",
      pageSize: "5",
      pageToken: "t",
    });
    expect(queryToJson(desc, query("status=2"))).toEqual({ status: 2 });
  });

  it("refuses unknown names and a repeated singular field", () => {
    const desc = message("wms.shop.v1.ListShopsRequest");
    expect(transcodeError(() => queryToJson(desc, query("owner=x")))).toMatch(/unknown query parameter "owner"/);
    expect(transcodeError(() => queryToJson(desc, query("pageSize=1&page_size=2")))).toMatch(/not repeated/);
  });
});

describe("buildRequestMessage", () => {
  it("decodes query parameters into the message, enums and ints included", () => {
    expect(build("wms.order.v1.ListOrdersRequest", "", {}, "status=ORDER_STATUS_PAID&pageSize=7")).toEqual({ status: "ORDER_STATUS_PAID", pageSize: 7 });
    expect(build("wms.warehouse.v1.GetAvailabilityRequest", "", {}, "productIds=a&productIds=b")).toEqual({ productIds: ["a", "b"] });
  });

  it("takes the body as the message and lets path variables win", () => {
    const body = JSON.stringify({ warehouseId: "from-body", product_id: "p", quantity: "9007199254740993", idempotencyKey: "k" });
    expect(build("wms.warehouse.v1.AddStockRequest", "*", { warehouse_id: "w1" }, "", body)).toEqual({
      warehouseId: "w1",
      productId: "p",
      quantity: "9007199254740993",
      idempotencyKey: "k",
    });
    expect(build("wms.warehouse.v1.SetWarehouseStatusRequest", "*", { warehouse_id: "w" }, "", '{"status":"WAREHOUSE_STATUS_INACTIVE"}')).toEqual({
      warehouseId: "w",
      status: "WAREHOUSE_STATUS_INACTIVE",
    });
  });

  it("treats an empty body as the empty message", () => {
    expect(build("wms.order.v1.CancelOrderRequest", "*", { order_id: "o1" }, "", "  ")).toEqual({ orderId: "o1" });
  });

  it("answers INVALID_ARGUMENT for bad JSON, unknown fields, wrong types and stray query parameters", () => {
    expect(transcodeError(() => build("wms.shop.v1.CreateShopRequest", "*", {}, "", "{nope"))).toMatch(/malformed JSON body/);
    expect(transcodeError(() => build("wms.shop.v1.CreateShopRequest", "*", {}, "", "[1]"))).toMatch(/must be an object/);
    expect(transcodeError(() => build("wms.shop.v1.CreateShopRequest", "*", {}, "", '{"name":"x","color":"red"}'))).toMatch(/"color" is unknown/);
    expect(transcodeError(() => build("wms.warehouse.v1.AddStockRequest", "*", {}, "", '{"quantity":"lots"}'))).toMatch(/quantity/);
    expect(transcodeError(() => build("wms.shop.v1.CreateShopRequest", "*", {}, "name=x", "{}"))).toMatch(/query parameter "name" is not accepted/);
    expect(transcodeError(() => build("wms.shop.v1.ListShopsRequest", "", {}, "pageSize=ten"))).toMatch(/page_size/);
    expect(transcodeError(() => build("wms.order.v1.ListOrdersRequest", "", {}, "status=SHIPPED"))).toMatch(/status/);
  });
});
