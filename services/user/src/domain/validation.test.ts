import { describe, expect, it } from "vitest";
import { DomainError } from "@wms/errors";
import { isEmail, isPhone, validateRegistration } from "./validation.js";

describe("registration validation", () => {
  it.each(["a@b.co", "dmp.buyer@domain.com", "x+tag@sub.example.org"])("accepts email %s", (e) => expect(isEmail(e)).toBe(true));
  it.each(["", "a@b", "@b.co", "a b@c.co", "a@-b.co", "a@b..co"])("rejects email %j", (e) => expect(isEmail(e)).toBe(false));
  it.each(["080000000001", "+6281234567890", "12345678"])("accepts phone %s", (p) => expect(isPhone(p)).toBe(true));
  it.each(["1234567", "+1234567890123456", "0800-000-001", "phone"])("rejects phone %j", (p) => expect(isPhone(p)).toBe(false));

  it("reports every bad field at once", () => {
    let caught: unknown;
    try {
      validateRegistration({ email: "nope", phone: "12", password: "short", shopName: "", shopDescription: "" });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(DomainError);
    expect((caught as DomainError).fieldViolations.map((v) => v.field)).toEqual(["email", "phone", "password"]);
  });

  it("needs an email or a phone", () => {
    expect(() => validateRegistration({ email: "", phone: "", password: "long enough", shopName: "", shopDescription: "" })).toThrow(DomainError);
    expect(() => validateRegistration({ email: "", phone: "080000000009", password: "long enough", shopName: "", shopDescription: "" })).not.toThrow();
  });
});
