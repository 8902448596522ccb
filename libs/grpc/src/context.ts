import type { Principal, UserRole } from "@wms/auth";
import { errors } from "@wms/errors";

export type UserPrincipal = Extract<Principal, { kind: "user" }>;
export type ServicePrincipal = Extract<Principal, { kind: "service" }>;

/** What a handler knows about its call besides the request: who, and until when. */
export class CallContext {
  constructor(
    readonly principal: Principal | undefined,
    readonly deadline: Date | undefined,
  ) {}

  /** The calling end user; UNAUTHENTICATED without one. Services are refused: they call internal RPCs. */
  requireUser(role?: UserRole): UserPrincipal {
    const p = this.principal;
    if (!p) throw errors.unauthenticated();
    if (p.kind !== "user") throw errors.permissionDenied("this RPC is for end users");
    if (role && p.role !== role) throw errors.permissionDenied(`only a ${role} may do this`);
    return p;
  }

  /** A service of the mesh; end-user tokens are refused (internal RPCs). */
  requireService(): ServicePrincipal {
    const p = this.principal;
    if (!p) throw errors.unauthenticated();
    if (p.kind !== "service") throw errors.permissionDenied("internal RPC: services only");
    return p;
  }

  /** Any authenticated caller, user or service. */
  requireAny(): Principal {
    if (!this.principal) throw errors.unauthenticated();
    return this.principal;
  }
}
