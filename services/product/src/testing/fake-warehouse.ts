import { createPublicKey } from "node:crypto";
import { TokenVerifier, type Principal } from "@wms/auth";
import { DomainError } from "@wms/errors";
import { bindService, startGrpcServer, unimplementedHandlers, type RunningServer } from "@wms/grpc";
import { createLogger } from "@wms/logging";
import { WarehouseServiceService } from "@wms/proto/warehouse";

export interface AvailabilityCall {
  productIds: string[];
  principal: Principal | undefined;
  deadline: Date | undefined;
}

/**
 * A stand-in warehouse peer over real gRPC (the same server bootstrap, token checks and error
 * mapping as the real one): it answers GetAvailability from a table the test fills, records
 * every call, and fails with a chosen error on demand. The rest answers UNIMPLEMENTED.
 */
export interface FakeWarehouse {
  readonly address: string;
  readonly calls: AvailabilityCall[];
  /** Available units per product id; ids not set are left out of the answer. */
  readonly quantities: Map<string, number>;
  /** When set, every GetAvailability fails with it. */
  failWith: DomainError | undefined;
  stop(): Promise<void>;
}

export async function startFakeWarehouse(keys: { publicKeyPem: string; servicePublicKeyPem: string }): Promise<FakeWarehouse> {
  const calls: AvailabilityCall[] = [];
  const quantities = new Map<string, number>();
  const state: { failWith: DomainError | undefined } = { failWith: undefined };
  const handlers = {
    ...unimplementedHandlers(WarehouseServiceService),
    getAvailability: async (request: { productIds: string[] }, ctx: { principal: Principal | undefined; deadline: Date | undefined }) => {
      calls.push({ productIds: [...request.productIds], principal: ctx.principal, deadline: ctx.deadline });
      if (state.failWith) throw state.failWith;
      return {
        items: request.productIds.flatMap((productId) => {
          const availableQuantity = quantities.get(productId);
          return availableQuantity === undefined ? [] : [{ productId, availableQuantity }];
        }),
      };
    },
  };
  const server: RunningServer = await startGrpcServer({
    name: "fake-warehouse",
    host: "127.0.0.1",
    port: 0,
    services: [bindService(WarehouseServiceService, handlers)],
    verifier: new TokenVerifier(createPublicKey(keys.publicKeyPem), createPublicKey(keys.servicePublicKeyPem)),
    logger: createLogger("fake-warehouse", "silent"),
  });
  return {
    address: server.address,
    calls,
    quantities,
    get failWith() {
      return state.failWith;
    },
    set failWith(err) {
      state.failWith = err;
    },
    stop: () => server.shutdown(1000),
  };
}
