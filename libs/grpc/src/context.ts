import type { Principal, UserRole } from "@wms/auth";
import { errors } from "@wms/errors";

export type UserPrincipal = Extract<Principal, { kind: "user" }>;
export type ServicePrincipal = Extract<Principal, { kind: "service" }>;

const accessTokenMissing = () => errors.unauthenticated("ACCESS_TOKEN_MISSING", "a valid access token is required");

/** What a handler knows about its call besides the request: who, and until when. */
export class CallContext {
  private address: string | undefined | (() => string | undefined);

  constructor(
    readonly principal: Principal | undefined,
    readonly deadline: Date | undefined,
    /** The client's address, or how to find it when asked (only login throttling asks). */
    clientAddress?: string | (() => string | undefined),
  ) {
    this.address = clientAddress;
  }

  /**
   * The end client's IP address: the gateway's `x-forwarded-for` when the caller is a trusted
   * proxy (TRUSTED_PROXIES), the caller's own address otherwise (login throttling keys on it).
   */
  get clientAddress(): string | undefined {
    if (typeof this.address === "function") this.address = this.address();
    return this.address;
  }

  /** The calling end user; UNAUTHENTICATED without one. Services are refused: they call internal RPCs. */
  requireUser(role?: UserRole): UserPrincipal {
    const p = this.principal;
    if (!p) throw accessTokenMissing();
    if (p.kind !== "user") throw errors.permissionDenied("END_USERS_ONLY", "this RPC is for end users");
    if (role && p.role !== role) throw errors.permissionDenied("ROLE_REQUIRED", `only a ${role} may do this`, { requiredRole: role });
    return p;
  }

  /** A service of the mesh; end-user tokens are refused (internal RPCs). */
  requireService(): ServicePrincipal {
    const p = this.principal;
    if (!p) throw accessTokenMissing();
    if (p.kind !== "service") throw errors.permissionDenied("SERVICES_ONLY", "internal RPC: services only");
    return p;
  }

  /** Any authenticated caller, user or service. */
  requireAny(): Principal {
    if (!this.principal) throw accessTokenMissing();
    return this.principal;
  }
}
