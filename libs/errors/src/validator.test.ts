import { describe, expect, it } from "vitest";
import { DomainError } from "./domain-error.js";
import { Validator } from "./validator.js";

const violations = (run: (v: Validator) => Validator): string[] => {
  try {
    run(new Validator()).throwIfInvalid();
    return [];
  } catch (err) {
    return (err as DomainError).fieldViolations.map((v) => `${v.field}: ${v.description}`);
  }
};

describe("Validator.text", () => {
  it("takes text up to its limit, tabs and line breaks included", () => {
    expect(violations((v) => v.text("shelf 3\tbox 2\r\nback row", 50, "note"))).toEqual([]);
    expect(violations((v) => v.text("é".repeat(10), 10, "name"))).toEqual([]);
  });

  it("refuses text over its limit and any other control character, NUL first of all", () => {
    expect(violations((v) => v.text("x".repeat(11), 10, "name"))).toEqual(["name: must be at most 10 characters"]);
    for (const bad of ["a\u0000b", "\u0007", "a\u001bb", "\u007f", "\u0085"]) {
      expect(violations((v) => v.text(bad, 10, "note"))).toEqual(["note: must not contain control characters"]);
    }
  });
});
