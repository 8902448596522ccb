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

function transcodeError(run: () => unknown): TranscodeError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(TranscodeError);
    // Whatever went wrong, the client never reads a proto type name.
    expect(JSON.stringify({ message: (err as Error).message, v: (err as TranscodeError).violations })).not.toMatch(/wms\.\w+\.v1|bigint|Request\b/);
    return err as TranscodeError;
  }
  throw new Error("expected a TranscodeError");
}
const violationsOf = (run: () => unknown) => transcodeError(run).violations;

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

  it("ignores unknown names (grpc-gateway v2's default) and refuses a repeated singular field", () => {
    const desc = message("wms.shop.v1.ListShopsRequest");
    expect(queryToJson(desc, query("owner=x&pageSize=3&utm_source=mail"))).toEqual({ pageSize: "3" });
    expect(violationsOf(() => queryToJson(desc, query("pageSize=1&page_size=2")))).toEqual([
      { field: "pageSize", reason: "TOO_MANY", description: "takes one value, not 2" },
    ]);
  });
});

describe("buildRequestMessage", () => {
  it("decodes query parameters into the message, enums and ints included", () => {
    expect(build("wms.order.v1.ListOrdersRequest", "", {}, "status=ORDER_STATUS_PAID&pageSize=7")).toEqual({ status: "ORDER_STATUS_PAID", pageSize: 7 });
    expect(build("wms.warehouse.v1.GetAvailabilityRequest", "", {}, "productIds=a&productIds=b")).toEqual({ productIds: ["a", "b"] });
  });

  it("takes the body as the message and lets path variables win", () => {
    const body = JSON.stringify({ warehouseId: "from-body", product_id: "p", quantity: "9007199254740991", idempotencyKey: "k" });
    expect(build("wms.warehouse.v1.AddStockRequest", "*", { warehouse_id: "w1" }, "", body)).toEqual({
      warehouseId: "w1",
      productId: "p",
      quantity: "9007199254740991",
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

  it("discards unknown JSON fields, and ignores query parameters when the body takes every field", () => {
    expect(build("wms.shop.v1.CreateShopRequest", "*", {}, "name=from-query", '{"name":"x","color":"red"}')).toEqual({ name: "x" });
  });

  it("refuses a body that is not a JSON object as MALFORMED_JSON", () => {
    expect(transcodeError(() => build("wms.shop.v1.CreateShopRequest", "*", {}, "", "{nope")).reason).toBe("MALFORMED_JSON");
    expect(transcodeError(() => build("wms.shop.v1.CreateShopRequest", "*", {}, "", "[1]")).message).toMatch(/must be an object/);
  });

  it("names every field that does not decode by its JSON path, with a reason", () => {
    const checkout = '{"items":[{"productId":"p","quantity":"2"},{"productId":7,"quantity":"lots"},{"quantity":"99999999999999999999"}],"idempotencyKey":["k"]}';
    const err = transcodeError(() => build("wms.order.v1.CheckoutRequest", "*", {}, "", checkout));
    expect(err.reason).toBe("INVALID_FIELDS");
    expect(err.message).toBe("the request has 4 invalid fields");
    expect(err.violations).toEqual([
      { field: "items[1].productId", reason: "INVALID_FORMAT", description: "must be a string" },
      { field: "items[1].quantity", reason: "INVALID_FORMAT", description: "must be an integer (64-bit integers may be sent as decimal strings)" },
      { field: "items[2].quantity", reason: "OUT_OF_RANGE", description: "must be an integer from -9223372036854775808 to 9223372036854775807" },
      { field: "idempotencyKey", reason: "INVALID_FORMAT", description: "must be a string" },
    ]);
    expect(violationsOf(() => build("wms.order.v1.CheckoutRequest", "*", {}, "", '{"items":{}}'))).toEqual([
      { field: "items", reason: "INVALID_FORMAT", description: "must be a JSON array" },
    ]);
    expect(violationsOf(() => build("wms.warehouse.v1.AddStockRequest", "*", {}, "", '{"quantity":"lots"}'))).toEqual([
      { field: "quantity", reason: "INVALID_FORMAT", description: "must be an integer (64-bit integers may be sent as decimal strings)" },
    ]);
    // An unknown enum name is discarded like an unknown field (protojson's DiscardUnknown);
    // the service then refuses the unset value. A wrong JSON type is still the gateway's to refuse.
    expect(build("wms.warehouse.v1.SetWarehouseStatusRequest", "*", { warehouse_id: "w" }, "", '{"status":"CLOSED"}')).toEqual({ warehouseId: "w" });
    expect(violationsOf(() => build("wms.warehouse.v1.SetWarehouseStatusRequest", "*", { warehouse_id: "w" }, "", '{"status":true}'))).toEqual([
      { field: "status", reason: "INVALID_VALUE", description: "must be one of WAREHOUSE_STATUS_ACTIVE, WAREHOUSE_STATUS_INACTIVE" },
    ]);
  });

  it("names query parameters that do not decode by their JSON names", () => {
    expect(violationsOf(() => build("wms.shop.v1.ListShopsRequest", "", {}, "page_size=ten"))).toEqual([
      { field: "pageSize", reason: "INVALID_FORMAT", description: "must be an integer" },
    ]);
    expect(violationsOf(() => build("wms.order.v1.ListOrdersRequest", "", {}, "status=SHIPPED"))).toEqual([
      expect.objectContaining({ field: "status", reason: "INVALID_VALUE" }),
    ]);
  });
});

describe("strict integers and text", () => {
  const violations = (run: () => unknown): string[] => {
    try {
      run();
    } catch (err) {
      expect(err).toBeInstanceOf(TranscodeError);
      return (err as TranscodeError).violations.map((v) => v.field);
    }
    throw new Error("expected a TranscodeError");
  };
  const addStock = (quantity: unknown) => () =>
    build("wms.warehouse.v1.AddStockRequest", "*", { warehouse_id: "w" }, "", JSON.stringify({ productId: "p", quantity, idempotencyKey: "k" }));

  it.each(["0x10", " 5 ", "5 ", "+5", "0b11", "0010", "1e3", "1.0", "", 1.5, 2 ** 53, -(2 ** 53), 1e300, "9007199254740992", "-9007199254740992", true, {}])(
    "refuses %j as an int64 on its JSON field name",
    (quantity) => {
      expect(violations(addStock(quantity))).toEqual(["quantity"]);
    },
  );

  it("takes exact integers as numbers or plain decimal strings, up to 2^53 − 1", () => {
    for (const ok of [5, "5", 1e3, -3, "9007199254740991", Number.MAX_SAFE_INTEGER]) {
      expect(build("wms.warehouse.v1.AddStockRequest", "*", {}, "", JSON.stringify({ quantity: ok }))).toMatchObject({ quantity: String(ok) });
    }
  });

  it("a JSON number beyond 2^53 is refused though JSON.parse already rounded it", () => {
    const body = '{"quantity": 9007199254740993}';
    expect(violations(() => build("wms.warehouse.v1.AddStockRequest", "*", {}, "", body))).toEqual(["quantity"]);
  });

  it("names nested and repeated fields, in query parameters too", () => {
    const checkout = JSON.stringify({ items: [{ productId: "a", quantity: 1 }, { productId: "b", quantity: "0x10" }] });
    expect(violations(() => build("wms.order.v1.CheckoutRequest", "*", {}, "", checkout))).toEqual(["items[1].quantity"]);
    expect(violations(() => build("wms.shop.v1.ListShopsRequest", "", {}, "pageSize=0x10"))).toEqual(["pageSize"]);
  });

  it("refuses control characters in any text field, from the body, the query or the path", () => {
    const nul = JSON.stringify({ name: "a\u0000b", description: "ok\nfine" });
    expect(violations(() => build("wms.shop.v1.CreateShopRequest", "*", {}, "", nul))).toEqual(["name"]);
    expect(violations(() => build("wms.shop.v1.ListShopsRequest", "", {}, "owner_user_id=%00"))).toEqual(["ownerUserId"]);
    expect(violations(() => build("wms.shop.v1.GetShopRequest", "", { shop_id: "x\u0007" }, ""))).toEqual(["shopId"]);
    const items = JSON.stringify({ items: [{ productId: "p\u001b", quantity: 1 }], idempotencyKey: "k\u0000" });
    expect(violations(() => build("wms.order.v1.CheckoutRequest", "*", {}, "", items))).toEqual(["items[0].productId", "idempotencyKey"]);
  });

});
