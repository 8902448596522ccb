import { describe, expect, it } from "vitest";
import { generateKeyPairSync } from "node:crypto";
import { SignJWT } from "jose";
import { hostileTokens } from "@wms/testing";
import { TokenIssuer, TokenVerifier } from "./tokens.js";

const userKeys = generateKeyPairSync("ed25519");
const serviceKeys = generateKeyPairSync("ed25519");
const users = new TokenIssuer(userKeys.privateKey);
const services = new TokenIssuer(serviceKeys.privateKey);
const verifier = new TokenVerifier(userKeys.publicKey, serviceKeys.publicKey);

describe("tokens", () => {
  it("verifies user tokens with the user key and service credentials with the service key", async () => {
    const { token: user } = await users.issueUserToken("u1", "seller", 60_000);
    const { token: service } = await services.issueServiceToken("order", 60_000);
    expect(await verifier.verify(user)).toEqual({ kind: "user", userId: "u1", role: "seller" });
    expect(await verifier.verify(service)).toEqual({ kind: "service", service: "order" });
  });

  it("refuses a user token minted with the service key, and the reverse", async () => {
    const { token: forgedUser } = await services.issueUserToken("u1", "seller", 60_000);
    const { token: forgedService } = await users.issueServiceToken("order", 60_000);
    expect(await verifier.verify(forgedUser)).toBeUndefined();
    expect(await verifier.verify(forgedService)).toBeUndefined();
  });

  it("refuses expired and malformed tokens", async () => {
    const past = new TokenIssuer(userKeys.privateKey, () => new Date(Date.now() - 3_600_000));
    const { token: expired } = await past.issueUserToken("u1", "buyer", 60_000);
    expect(await verifier.verify(expired)).toBeUndefined();
    expect(await verifier.verify("not.a.jwt")).toBeUndefined();
    expect(await verifier.verify("")).toBeUndefined();
  });

  it.each(["expired", "withoutExp", "forgedSignature", "algNone", "mixedAudience", "foreignAudience", "userFromServiceKey"] as const)(
    "refuses a %s token",
    async (kind) => {
      const pem = (key: typeof userKeys.privateKey) => key.export({ type: "pkcs8", format: "pem" }).toString();
      const hostile = await hostileTokens({ privateKeyPem: pem(userKeys.privateKey), servicePrivateKeyPem: pem(serviceKeys.privateKey) }, "u1", "buyer");
      expect(await verifier.verify(hostile[kind])).toBeUndefined();
    },
  );

  it("refuses a service credential without exp or with a mixed audience", async () => {
    const now = Math.floor(Date.now() / 1000);
    const base = () => new SignJWT({}).setProtectedHeader({ alg: "EdDSA" }).setIssuer("wms-mesh").setSubject("service:order").setIssuedAt(now);
    const noExp = await base().setAudience("wms-service").sign(serviceKeys.privateKey);
    const mixed = await base().setAudience(["wms-service", "wms-user"]).setExpirationTime(now + 60).sign(serviceKeys.privateKey);
    const good = await base().setAudience(["wms-service"]).setExpirationTime(now + 60).sign(serviceKeys.privateKey);
    expect(await verifier.verify(noExp)).toBeUndefined();
    expect(await verifier.verify(mixed)).toBeUndefined();
    expect(await verifier.verify(good)).toEqual({ kind: "service", service: "order" });
  });
});

describe("verified tokens are remembered until they expire", () => {
  it("answers a token again from memory, and refuses it once its exp has passed", async () => {
    let now = Date.now();
    const clock = () => new Date(now);
    const cached = new TokenVerifier(userKeys.publicKey, serviceKeys.publicKey, { now: clock });
    const { token } = await new TokenIssuer(userKeys.privateKey, clock).issueUserToken("u2", "buyer", 5_000);
    const verifications = countVerifications();
    expect(await cached.verify(token)).toEqual({ kind: "user", userId: "u2", role: "buyer" });
    expect(await cached.verify(token)).toEqual({ kind: "user", userId: "u2", role: "buyer" });
    expect(verifications.stop()).toBe(1);
    now += 6_000;
    expect(await cached.verify(token)).toBeUndefined();
  });

  it("never remembers a refusal, and keeps at most cacheSize tokens", async () => {
    const small = new TokenVerifier(userKeys.publicKey, serviceKeys.publicKey, { cacheSize: 1 });
    const { token: forged } = await services.issueUserToken("u1", "seller", 60_000);
    expect(await small.verify(forged)).toBeUndefined();
    expect(await small.verify(forged)).toBeUndefined();
    const { token: a } = await users.issueUserToken("a", "buyer", 60_000);
    const { token: b } = await users.issueUserToken("b", "buyer", 60_000);
    const verifications = countVerifications();
    await small.verify(a);
    await small.verify(b); // evicts a
    await small.verify(b);
    await small.verify(a);
    expect(verifications.stop()).toBe(3);
  });
});

/** Counts WebCrypto signature verifications (jose verifies through them) until stop(). */
function countVerifications(): { stop(): number } {
  const subtle = Object.getPrototypeOf(globalThis.crypto.subtle) as typeof globalThis.crypto.subtle;
  const original = subtle.verify;
  let n = 0;
  subtle.verify = function (this: typeof subtle, ...args: Parameters<typeof original>) {
    n += 1;
    return original.apply(this, args);
  };
  return {
    stop() {
      subtle.verify = original;
      return n;
    },
  };
}
