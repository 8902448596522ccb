import { describe, expect, it } from "vitest";
import { status as Status, type ServiceError } from "@grpc/grpc-js";
import { decodeStatusDetails, errors, fromServiceError, toServiceError } from "./index.js";

describe("google.rpc.RetryInfo", () => {
  it("travels with RESOURCE_EXHAUSTED: encoded by toServiceError, decoded by decodeStatusDetails, kept by fromServiceError", () => {
    const mapped = toServiceError(errors.resourceExhausted("TOO_MANY_LOGIN_ATTEMPTS", "slow down", 61_250.4, { limitedBy: "login" }), "wms.user.v1");
    expect(mapped.code).toBe(Status.RESOURCE_EXHAUSTED);
    const details = decodeStatusDetails(mapped.metadata);
    expect(details).toMatchObject({ reason: "TOO_MANY_LOGIN_ATTEMPTS", retryDelayMs: 61_251, metadata: { limitedBy: "login" } });
    expect(details.details.map((d) => d.typeUrl)).toEqual(["type.googleapis.com/google.rpc.ErrorInfo", "type.googleapis.com/google.rpc.RetryInfo"]);
    const passedOn = fromServiceError({ code: mapped.code, details: mapped.details, metadata: mapped.metadata } as ServiceError);
    expect([passedOn.kind, passedOn.reason, passedOn.retryDelayMs]).toEqual(["RESOURCE_EXHAUSTED", "TOO_MANY_LOGIN_ATTEMPTS", 61_251]);
  });

  it("is absent from other errors", () => {
    const details = decodeStatusDetails(toServiceError(errors.notFound("shop", "x"), "wms.shop.v1").metadata);
    expect(details.retryDelayMs).toBeUndefined();
    expect(details.details).toHaveLength(1);
  });
});
