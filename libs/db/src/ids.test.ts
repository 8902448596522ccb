import { describe, expect, it } from "vitest";
import { isId, newId } from "./ids.js";

describe("newId", () => {
  it("is a UUIDv7 that sorts in creation order, within one millisecond too", () => {
    const at = Date.now() + 60_000;
    const ids = Array.from({ length: 5000 }, () => newId(at));
    expect(ids.every(isId)).toBe(true);
    expect(ids.every((id) => id[14] === "7" && "89ab".includes(id[19]!))).toBe(true);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    const later = newId(at + 10_000);
    expect(later > ids[ids.length - 1]!).toBe(true);
  });

  it("refuses what is not a UUID", () => {
    expect(isId("not-an-id")).toBe(false);
    expect(isId("00000000-0000-7000-8000-000000000301")).toBe(true);
  });
});
