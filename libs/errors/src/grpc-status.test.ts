import { describe, expect, it } from "vitest";
import { status as Status, type ServiceError } from "@grpc/grpc-js";
import { DomainError, errors, fromServiceError, toServiceError, Validator } from "./index.js";

function asServiceError(mapped: ReturnType<typeof toServiceError>): ServiceError {
  return Object.assign(new Error(mapped.details), { code: mapped.code, details: mapped.details, metadata: mapped.metadata }) as ServiceError;
}

describe("error mapping", () => {
  it("round-trips kind, reason, domain and field violations through grpc-status-details-bin", () => {
    const v = new Validator().required("", "name").positiveInt(0, "price_cents");
    let err: unknown;
    try {
      v.throwIfInvalid();
    } catch (e) {
      err = e;
    }
    const mapped = toServiceError(err, "wms.product.v1");
    expect(mapped.code).toBe(Status.INVALID_ARGUMENT);
    const back = fromServiceError(asServiceError(mapped));
    expect(back.kind).toBe("INVALID_ARGUMENT");
    expect(back.domain).toBe("wms.product.v1");
    expect(back.fieldViolations.map((f) => f.field)).toEqual(["name", "price_cents"]);
  });

  it("keeps a peer's reason and domain when rethrown by a caller", () => {
    const insufficient = errors.failedPrecondition("INSUFFICIENT_STOCK", "not enough stock", { productId: "p1" });
    const fromWarehouse = fromServiceError(asServiceError(toServiceError(insufficient, "wms.warehouse.v1")));
    const viaOrder = fromServiceError(asServiceError(toServiceError(fromWarehouse, "wms.order.v1")));
    expect([viaOrder.kind, viaOrder.reason, viaOrder.domain, viaOrder.metadata]).toEqual([
      "FAILED_PRECONDITION",
      "INSUFFICIENT_STOCK",
      "wms.warehouse.v1",
      { productId: "p1" },
    ]);
  });

  it("turns anything unexpected into a generic INTERNAL that says nothing of the cause", () => {
    const mapped = toServiceError(new Error('relation "secret" does not exist at select * from secret'), "wms.shop.v1");
    expect(mapped.code).toBe(Status.INTERNAL);
    expect(mapped.details).toBe("internal error");
    expect(fromServiceError(asServiceError(mapped))).toBeInstanceOf(DomainError);
  });

  it("carries only a short excerpt of echoed client input", () => {
    const id = "x".repeat(8192);
    const mapped = toServiceError(errors.notFound("shop", id), "wms.shop.v1");
    const back = fromServiceError(asServiceError(mapped));
    expect(back.message.length).toBeLessThan(100);
    expect(back.metadata.shopId!.length).toBeLessThanOrEqual(101);
    const wordy = toServiceError(errors.invalidArgument([{ field: "name", description: "y".repeat(5000), reason: "TOO_LONG" }], "z".repeat(5000)), "wms.shop.v1");
    const wordyBack = fromServiceError(asServiceError(wordy));
    expect(wordyBack.message.length).toBeLessThanOrEqual(301);
    expect(wordyBack.fieldViolations[0]!.description.length).toBeLessThanOrEqual(301);
  });
});
