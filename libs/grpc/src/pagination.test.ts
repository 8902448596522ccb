import { describe, expect, it } from "vitest";
import { DomainError } from "@wms/errors";
import { decodePageToken, encodePageToken, pageSize } from "./pagination.js";

describe("pagination", () => {
  it("defaults, clamps and refuses negative page sizes", () => {
    expect(pageSize(0)).toBe(50);
    expect(pageSize(7)).toBe(7);
    expect(pageSize(10_000)).toBe(500);
    expect(() => pageSize(-1)).toThrow(DomainError);
  });

  it("round-trips page tokens and refuses foreign ones", () => {
    expect(decodePageToken(encodePageToken("abc"))).toBe("abc");
    expect(decodePageToken("")).toBeUndefined();
    expect(() => decodePageToken("not a token")).toThrow(DomainError);
  });
});
