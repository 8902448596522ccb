import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TokenIssuer } from "@wms/auth";
import { DomainError } from "@wms/errors";
import { openTestDatabase, type MigratedTestDatabase } from "@wms/testing";
import { LoginThrottle } from "@wms/throttle";
import { createUserRepo, type UserRepo } from "../db/repo.js";
import { userService } from "../module.js";
import { createUsersDomain } from "./index.js";

// The throttle is asked before the login is looked up, and so before any password is hashed
// (scrypt comes after the lookup): a refused attempt costs no database read and no hash.

let database: MigratedTestDatabase;
let lookups = 0;

beforeAll(async () => {
  database = await openTestDatabase(userService, "user_login_throttle");
});
afterAll(() => database.drop());

function domainWith(throttle: LoginThrottle) {
  const repo = createUserRepo(database.db);
  // The real repository, counting the lookups that precede each password check.
  const counting: UserRepo = { ...repo, findByLogin: (login) => ((lookups += 1), repo.findByLogin(login)) };
  return createUsersDomain({
    repo: counting,
    issuer: new TokenIssuer(generateKeyPairSync("ed25519").privateKey),
    accessTokenTtlMs: 60_000,
    createShop: () => Promise.reject(new Error("no shops here")),
    throttle,
  });
}

describe("login throttling in the domain", () => {
  it("refuses past the limit without looking the login up or hashing a password", async () => {
    const users = domainWith(new LoginThrottle({ limits: { perLogin: 2, perAddress: 100, windowMs: 60_000 } }));
    await users.register({ email: "t@example.com", phone: "", password: "right password", shopName: "", shopDescription: "" });
    lookups = 0;
    for (let i = 0; i < 2; i++) await expect(users.login("t@example.com", "wrong", "192.0.2.1")).rejects.toMatchObject({ reason: "INVALID_CREDENTIALS" });
    expect(lookups).toBe(2);
    const refused = await users.login("t@example.com", "right password", "192.0.2.1").catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DomainError);
    expect((refused as DomainError).reason).toBe("TOO_MANY_LOGIN_ATTEMPTS");
    expect(lookups).toBe(2);
  });

  it("validates the request before counting it: an empty login is INVALID_ARGUMENT and uses no attempt", async () => {
    const users = domainWith(new LoginThrottle({ limits: { perLogin: 1, perAddress: 100, windowMs: 60_000 } }));
    await users.register({ email: "v@example.com", phone: "", password: "right password", shopName: "", shopDescription: "" });
    for (let i = 0; i < 3; i++) await expect(users.login("v@example.com", "", "192.0.2.2")).rejects.toMatchObject({ kind: "INVALID_ARGUMENT" });
    await expect(users.login("v@example.com", "right password", "192.0.2.2")).resolves.toMatchObject({ user: { email: "v@example.com" } });
  });
});
