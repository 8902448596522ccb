import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hostileTokens, type HostileTokens } from "@wms/testing";
import { startInProcessMesh, type InProcessMesh } from "./support/in-process-mesh.js";
import { allRpcPaths, createWorld, rpcCatalog, type Principal, type RpcEntry, type World } from "./support/rpc-catalog.js";

// Every RPC of every service × every kind of caller, over gRPC on the real services:
// forged, expired, unbounded (no `exp`), unsigned (`alg: none`) and mixed-audience tokens are
// UNAUTHENTICATED everywhere; a real caller the RPC does not serve is PERMISSION_DENIED (or
// NOT_FOUND where existence must not leak); internal RPCs refuse every end-user token; and no
// refused call changes anything in any service's tables. (test/ownership-matrix.test.ts adds
// the owner-versus-other-seller cases of mixed ownership across two warehouses.)
let mesh: InProcessMesh;
let world: World;
let hostile: HostileTokens;
let serviceHostile: { withoutExp: string; mixedAudience: string };

beforeAll(async () => {
  mesh = await startInProcessMesh({ label: "authz_matrix" });
  world = await createWorld(mesh);
  hostile = await hostileTokens(mesh.tokens, world.userIds.owner, "seller");
  const forService = await hostileTokens({ privateKeyPem: mesh.tokens.servicePrivateKeyPem, servicePrivateKeyPem: mesh.tokens.servicePrivateKeyPem }, "service:order", "buyer");
  serviceHostile = { withoutExp: forService.withoutExp, mixedAudience: forService.mixedAudience };
}, 120_000);
afterAll(async () => {
  world?.grpc.close();
  await mesh?.stop();
});

type Caller =
  | "no token"
  | "expired"
  | "without exp"
  | "forged signature"
  | "alg none"
  | "mixed audience"
  | "foreign audience"
  | "user token signed with the service key"
  | "service key, no exp"
  | "buyer"
  | "owner"
  | "other seller"
  | "service";

const hostileCallers: Caller[] = [
  "expired",
  "without exp",
  "forged signature",
  "alg none",
  "mixed audience",
  "foreign audience",
  "user token signed with the service key",
  "service key, no exp",
];
const realCallers: Caller[] = ["buyer", "owner", "other seller", "service"];
const callers: Caller[] = ["no token", ...hostileCallers, ...realCallers];

function tokenOf(caller: Caller): string | undefined {
  switch (caller) {
    case "no token":
      return undefined;
    case "expired":
      return hostile.expired;
    case "without exp":
      return hostile.withoutExp;
    case "forged signature":
      return hostile.forgedSignature;
    case "alg none":
      return hostile.algNone;
    case "mixed audience":
      return hostile.mixedAudience;
    case "foreign audience":
      return hostile.foreignAudience;
    case "user token signed with the service key":
      return hostile.userFromServiceKey;
    case "service key, no exp":
      return serviceHostile.withoutExp;
    case "buyer":
      return world.tokens.buyer;
    case "owner":
      return world.tokens.owner;
    case "other seller":
      return world.tokens.otherSeller;
    case "service":
      return world.tokens.service;
  }
}

const principalOf: Partial<Record<Caller, Principal>> = { buyer: "buyer", owner: "owner", "other seller": "other seller", service: "service" };

/** What the RPC must answer this caller: served, or refused with one of these codes. */
function expected(entry: RpcEntry, caller: Caller): "served" | string[] {
  if (hostileCallers.includes(caller)) return ["UNAUTHENTICATED"];
  if (entry.serves.includes("anyone")) return "served";
  if (caller === "no token") return ["UNAUTHENTICATED"];
  const principal = principalOf[caller];
  if (principal && entry.serves.includes(principal)) return "served";
  return ["PERMISSION_DENIED", "NOT_FOUND"];
}

/** Served: anything but an authentication or authorization refusal (Login's wrong password included). */
const AUTH_REFUSALS = new Set(["UNAUTHENTICATED/UNAUTHENTICATED", "PERMISSION_DENIED", "NOT_FOUND"]);

describe("the authorization matrix", () => {
  it("covers every RPC the contracts declare", () => {
    expect(rpcCatalog.map((e) => e.path).sort()).toEqual(allRpcPaths().sort());
  });

  describe.each(rpcCatalog.map((entry) => ({ entry, rpc: entry.path.split("/")[1]! })))("$rpc", ({ entry }) => {
    it.each(callers)("%s", async (caller) => {
      const want = expected(entry, caller);
      const request = await entry.request(world, principalOf[caller]);
      const before = want === "served" ? undefined : await mesh.snapshot();
      const outcome = await world.call(entry.path, request, tokenOf(caller));
      const label = `${entry.path} as ${caller}: ${outcome.code} ${outcome.reason ?? ""} ${outcome.message}`;
      if (want === "served") {
        expect(outcome.code === "OK" || !AUTH_REFUSALS.has(outcome.code === "UNAUTHENTICATED" ? `UNAUTHENTICATED/${outcome.reason}` : outcome.code), label).toBe(true);
        expect(["INTERNAL", "UNAVAILABLE", "DEADLINE_EXCEEDED", "UNKNOWN"], label).not.toContain(outcome.code);
      } else {
        expect(want, label).toContain(outcome.code);
        expect(await mesh.snapshot(), `${label} changed something`).toEqual(before);
      }
    });
  });
});
