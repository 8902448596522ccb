import { createPrivateKey, generateKeyPairSync } from "node:crypto";
import { SignJWT, type JWTPayload } from "jose";

/** Tokens an attacker could present, each refused by a correct verifier. */
export interface HostileTokens {
  expired: string;
  /** Signed with the real key but without `exp`: would be valid forever. */
  withoutExp: string;
  /** The real claims, signed by another key. */
  forgedSignature: string;
  /** `alg: none`, no signature at all. */
  algNone: string;
  /** The real key, an audience array naming both the user and the service audience. */
  mixedAudience: string;
  /** The real key, someone else's audience. */
  foreignAudience: string;
  /** A user token signed with the service credential key (a service minting users). */
  userFromServiceKey: string;
}

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64url");

/** Hostile variants of a token for `sub` (a user id), signed with the given test key pairs. */
export async function hostileTokens(keys: { privateKeyPem: string; servicePrivateKeyPem: string }, sub: string, role: "buyer" | "seller"): Promise<HostileTokens> {
  const userKey = createPrivateKey(keys.privateKeyPem);
  const serviceKey = createPrivateKey(keys.servicePrivateKeyPem);
  const now = Math.floor(Date.now() / 1000);
  const sign = (claims: JWTPayload, key = userKey, exp: number | null = now + 3600): Promise<string> => {
    const jwt = new SignJWT({ role, ...claims }).setProtectedHeader({ alg: "EdDSA" }).setIssuer("wms-mesh").setSubject(sub).setIssuedAt(now - 60);
    if (claims.aud === undefined) jwt.setAudience("wms-user");
    if (exp !== null) jwt.setExpirationTime(exp);
    return jwt.sign(key);
  };
  return {
    expired: await sign({}, userKey, now - 10),
    withoutExp: await sign({}, userKey, null),
    forgedSignature: await sign({}, generateKeyPairSync("ed25519").privateKey),
    algNone: `${b64({ alg: "none", typ: "JWT" })}.${b64({ role, sub, iss: "wms-mesh", aud: "wms-user", iat: now, exp: now + 3600 })}.`,
    mixedAudience: await sign({ aud: ["wms-user", "wms-service"] }),
    foreignAudience: await sign({ aud: "some-other-api" }),
    userFromServiceKey: await sign({}, serviceKey),
  };
}
