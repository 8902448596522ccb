import type { RegisterRequest } from "@wms/proto/user";

/**
 * Registration number `n`: its own email (mixed case, stored lower-cased) and phone, one known
 * password; a seller's when `shopName` is given. Log in as `user.<n>@example.com` or
 * `0811000000<nn>` with "correct horse".
 */
export const registration = (n: string, shopName = ""): RegisterRequest => ({
  email: `User.${n}@Example.com`,
  phone: `0811000000${n.padStart(2, "0")}`,
  password: "correct horse",
  shopName,
  shopDescription: "",
});
