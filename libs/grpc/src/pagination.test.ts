import { describe, expect, it } from "vitest";
import { DomainError } from "@wms/errors";
import { newId } from "@wms/db";
import { decodePageToken, encodePageToken, pageSize } from "./pagination.js";

describe("pagination", () => {
  it("defaults, clamps and refuses negative page sizes", () => {
    expect(pageSize(0)).toBe(50);
    expect(pageSize(7)).toBe(7);
    expect(pageSize(10_000)).toBe(500);
    expect(() => pageSize(-1)).toThrow(DomainError);
  });

  it("round-trips page tokens and refuses foreign ones", () => {
    const id = newId();
    expect(decodePageToken(encodePageToken(id))).toBe(id);
    // A well-formed token whose key is not an id never reaches a query.
    expect(() => decodePageToken(encodePageToken("'; drop table x"))).toThrow(DomainError);
    expect(decodePageToken("")).toBeUndefined();
    expect(() => decodePageToken("not a token")).toThrow(DomainError);
  });
});
