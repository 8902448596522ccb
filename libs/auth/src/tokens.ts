import { SignJWT, jwtVerify, decodeJwt, errors as joseErrors } from "jose";
import type { KeyObject } from "node:crypto";

export type UserRole = "buyer" | "seller";

/** Who is calling: an end user from an access token, or another service of the mesh. */
export type Principal =
  | { kind: "user"; userId: string; role: UserRole }
  | { kind: "service"; service: string };

const ISSUER = "wms-mesh";
const USER_AUDIENCE = "wms-user";
const SERVICE_AUDIENCE = "wms-service";

export class TokenIssuer {
  constructor(
    private readonly privateKey: KeyObject,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** An end-user access token. */
  async issueUserToken(userId: string, role: UserRole, ttlMs: number): Promise<{ token: string; expireTime: Date }> {
    const issuedAt = this.now();
    const expireTime = new Date(issuedAt.getTime() + ttlMs);
    const token = await new SignJWT({ role })
      .setProtectedHeader({ alg: "EdDSA" })
      .setIssuer(ISSUER)
      .setAudience(USER_AUDIENCE)
      .setSubject(userId)
      .setIssuedAt(Math.floor(issuedAt.getTime() / 1000))
      .setExpirationTime(Math.floor(expireTime.getTime() / 1000))
      .sign(this.privateKey);
    return { token, expireTime };
  }

  /** A short-lived credential one service presents to another; refused where a user token is expected and vice versa. */
  async issueServiceToken(service: string, ttlMs: number): Promise<{ token: string; expireTime: Date }> {
    const issuedAt = this.now();
    const expireTime = new Date(issuedAt.getTime() + ttlMs);
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: "EdDSA" })
      .setIssuer(ISSUER)
      .setAudience(SERVICE_AUDIENCE)
      .setSubject(`service:${service}`)
      .setIssuedAt(Math.floor(issuedAt.getTime() / 1000))
      .setExpirationTime(Math.floor(expireTime.getTime() / 1000))
      .sign(this.privateKey);
    return { token, expireTime };
  }
}

/**
 * Verifies end-user tokens with the user-token public key and service credentials with the
 * service public key: a service that can mint credentials for its peers still cannot mint a
 * user's token (only the user service holds that private key).
 */
export class TokenVerifier {
  constructor(
    private readonly userPublicKey: KeyObject,
    private readonly servicePublicKey: KeyObject = userPublicKey,
  ) {}

  /** The principal of a token, or undefined when it is forged, expired or malformed. */
  async verify(token: string): Promise<Principal | undefined> {
    try {
      const claimed = decodeJwt(token).aud;
      const audience = Array.isArray(claimed) ? claimed[0] : claimed;
      if (audience === SERVICE_AUDIENCE) {
        const { payload } = await jwtVerify(token, this.servicePublicKey, { issuer: ISSUER, audience: SERVICE_AUDIENCE, algorithms: ["EdDSA"] });
        const subject = payload.sub ?? "";
        return subject.startsWith("service:") ? { kind: "service", service: subject.slice("service:".length) } : undefined;
      }
      const { payload } = await jwtVerify(token, this.userPublicKey, { issuer: ISSUER, audience: USER_AUDIENCE, algorithms: ["EdDSA"] });
      const subject = payload.sub ?? "";
      if ((payload.role === "buyer" || payload.role === "seller") && subject !== "") return { kind: "user", userId: subject, role: payload.role };
      return undefined;
    } catch (err) {
      if (err instanceof joseErrors.JOSEError) return undefined;
      throw err;
    }
  }
}
