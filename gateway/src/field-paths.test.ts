import { describe, expect, it } from "vitest";
import { create, type DescMessage } from "@bufbuild/protobuf";
import { anyPack, anyUnpack } from "@bufbuild/protobuf/wkt";
import { descriptorRegistry } from "@wms/proto/descriptors";
import { detailsForRest, toJsonFieldPath } from "./field-paths.js";

const registry = descriptorRegistry();
function message(name: string): DescMessage {
  const desc = registry.getMessage(name);
  if (!desc) throw new Error(`${name} missing`);
  return desc;
}

describe("toJsonFieldPath", () => {
  it("renames every step through nested and repeated messages, keeping indexes", () => {
    const checkout = message("wms.order.v1.CheckoutRequest");
    expect(toJsonFieldPath(checkout, "items[0].product_id")).toBe("items[0].productId");
    expect(toJsonFieldPath(checkout, "idempotency_key")).toBe("idempotencyKey");
    expect(toJsonFieldPath(checkout, "items")).toBe("items");
    expect(toJsonFieldPath(message("wms.warehouse.v1.TransferStockRequest"), "to_warehouse_id")).toBe("toWarehouseId");
  });

  it("leaves what names no field as it was", () => {
    const checkout = message("wms.order.v1.CheckoutRequest");
    expect(toJsonFieldPath(checkout, "")).toBe("");
    expect(toJsonFieldPath(checkout, "no_such_field.x_y")).toBe("no_such_field.x_y");
    expect(toJsonFieldPath(checkout, "items[3].no_such.product_id")).toBe("items[3].no_such.product_id");
  });
});

describe("detailsForRest", () => {
  it("rewrites BadRequest paths and the ErrorInfo fields list, and passes other details through", () => {
    const badRequest = message("google.rpc.BadRequest");
    const errorInfo = message("google.rpc.ErrorInfo");
    const details = [
      anyPack(errorInfo, create(errorInfo, { reason: "INVALID_FIELDS", domain: "wms.order.v1", metadata: { fields: "items[1].product_id,idempotency_key" } })),
      anyPack(badRequest, create(badRequest, { fieldViolations: [{ field: "items[1].product_id", description: "no such product", reason: "NOT_FOUND" }] })),
      anyPack(errorInfo, create(errorInfo, { reason: "INSUFFICIENT_STOCK", metadata: { productId: "p" } })),
    ];
    const [info, bad, other] = detailsForRest(registry, message("wms.order.v1.CheckoutRequest"), details);
    expect((anyUnpack(info!, errorInfo) as unknown as { metadata: Record<string, string> }).metadata).toEqual({ fields: "items[1].productId,idempotencyKey" });
    expect((anyUnpack(bad!, badRequest) as unknown as { fieldViolations: Array<{ field: string; reason: string }> }).fieldViolations.map((v) => [v.field, v.reason])).toEqual([
      ["items[1].productId", "NOT_FOUND"],
    ]);
    expect(other).toBe(details[2]);
  });
});
