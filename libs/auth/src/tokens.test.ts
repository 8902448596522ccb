import { describe, expect, it } from "vitest";
import { generateKeyPairSync } from "node:crypto";
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
});
