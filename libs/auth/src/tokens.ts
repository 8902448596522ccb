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

export interface VerifierOptions {
  /** The clock tokens are checked against (tests move it). */
  now?: () => Date;
  /** Verified tokens remembered until they expire; the oldest is dropped beyond this. 0 disables. */
  cacheSize?: number;
}

/**
 * Verifies end-user tokens with the user-token public key and service credentials with the
 * service public key: a service that can mint credentials for its peers still cannot mint a
 * user's token (only the user service holds that private key).
 *
 * A token that verified once is remembered until its `exp`: the same string carries the same
 * claims and signature, so verifying it again could only give the same answer until it expires.
 * A service credential is presented on every internal call for minutes and a buyer's token on
 * every call of a session; an Ed25519 verification is the dearest step of authenticating one.
 * Only successes are remembered (forged tokens cannot fill the cache), each until its own expiry.
 */
export class TokenVerifier {
  private readonly now: () => Date;
  private readonly cacheSize: number;
  private readonly verified = new Map<string, { principal: Principal; expiresAtMs: number }>();

  constructor(
    private readonly userPublicKey: KeyObject,
    private readonly servicePublicKey: KeyObject = userPublicKey,
    options: VerifierOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.cacheSize = options.cacheSize ?? 10_000;
  }

  /**
   * The principal of a token, or undefined when it is forged, expired, malformed, or lacks a
   * claim that bounds it: every token must carry `exp` and exactly one audience of ours (an
   * array naming both would let one token pass for a user and a service).
   */
  async verify(token: string): Promise<Principal | undefined> {
    const nowMs = this.now().getTime();
    const known = this.verified.get(token);
    if (known) {
      if (nowMs < known.expiresAtMs) return known.principal;
      this.verified.delete(token);
    }
    const checked = await this.verifyAfresh(token);
    if (checked?.expiresAtMs !== undefined && this.cacheSize > 0) {
      if (this.verified.size >= this.cacheSize) this.verified.delete(this.verified.keys().next().value as string);
      this.verified.set(token, { principal: checked.principal, expiresAtMs: checked.expiresAtMs });
    }
    return checked?.principal;
  }

  private async verifyAfresh(token: string): Promise<{ principal: Principal; expiresAtMs: number | undefined } | undefined> {
    try {
      const currentDate = this.now();
      const claimed = decodeJwt(token).aud;
      const audience = typeof claimed === "string" ? claimed : Array.isArray(claimed) && claimed.length === 1 ? claimed[0] : undefined;
      const options = { issuer: ISSUER, algorithms: ["EdDSA"], requiredClaims: ["exp", "iat", "sub"] };
      if (audience === SERVICE_AUDIENCE) {
        const { payload } = await jwtVerify(token, this.servicePublicKey, { ...options, audience: SERVICE_AUDIENCE, currentDate });
        const subject = payload.sub ?? "";
        if (!subject.startsWith("service:") || subject.length === "service:".length) return undefined;
        return { principal: { kind: "service", service: subject.slice("service:".length) }, expiresAtMs: expiryMs(payload.exp) };
      }
      if (audience !== USER_AUDIENCE) return undefined;
      const { payload } = await jwtVerify(token, this.userPublicKey, { ...options, audience: USER_AUDIENCE, currentDate });
      const subject = payload.sub ?? "";
      if ((payload.role === "buyer" || payload.role === "seller") && subject !== "") {
        return { principal: { kind: "user", userId: subject, role: payload.role }, expiresAtMs: expiryMs(payload.exp) };
      }
      return undefined;
    } catch (err) {
      if (err instanceof joseErrors.JOSEError) return undefined;
      throw err;
    }
  }
}

/** jose refuses a token once the clock's whole second reaches `exp`: valid strictly before exp × 1000 ms. */
function expiryMs(exp: number | undefined): number | undefined {
  return exp === undefined ? undefined : exp * 1000;
}
