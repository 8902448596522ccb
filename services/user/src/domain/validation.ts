import { Validator } from "@wms/errors";

// A sane address check (RFC 5322 is far wider, but nobody's real address needs the rest).
const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
// 8–15 digits with an optional leading +: local numbers such as 080000000001 are valid.
const PHONE = /^\+?[0-9]{8,15}$/;

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

export const isEmail = (s: string): boolean => s.length <= 254 && EMAIL.test(s);
export const isPhone = (s: string): boolean => PHONE.test(s);

export interface RegistrationInput {
  email: string;
  phone: string;
  password: string;
  shopName: string;
  shopDescription: string;
}

export function validateRegistration(input: RegistrationInput): void {
  const v = new Validator();
  v.check(input.email !== "" || input.phone !== "", "email", "REQUIRED", "an email or a phone is required");
  if (input.email !== "") v.check(isEmail(input.email), "email", "INVALID_FORMAT", "must be an email address");
  if (input.phone !== "") v.check(isPhone(input.phone), "phone", "INVALID_FORMAT", "must be 8 to 15 digits, optionally with a leading +");
  v.check(input.password.length >= PASSWORD_MIN, "password", "TOO_SHORT", `must be at least ${PASSWORD_MIN} characters`);
  v.check(input.password.length <= PASSWORD_MAX, "password", "TOO_LONG", `must be at most ${PASSWORD_MAX} characters`);
  v.text(input.shopName, 120, "shop_name");
  v.text(input.shopDescription, 2000, "shop_description");
  v.check(input.shopName.trim() !== "" || input.shopDescription === "", "shop_name", "REQUIRED", "is required with a shop_description");
  v.throwIfInvalid();
}
