import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JsonObject } from "@bufbuild/protobuf";
import { startMesh, type Mesh } from "../support/mesh.js";
import { ReflectionOnlyClient } from "../support/reflection-only-client.js";

// What grpcurl does, by a client that has no .proto file and none of our generated code: every
// descriptor it uses came from the server's reflection.
describe("a gRPC client built only from server reflection", () => {
  let mesh: Mesh;
  const clients: ReflectionOnlyClient[] = [];
  const connect = (address: string): ReflectionOnlyClient => {
    const client = new ReflectionOnlyClient(address);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    mesh = await startMesh();
  }, 120_000);
  afterAll(async () => {
    for (const client of clients) client.close();
    await mesh?.stop();
  });

  it("lists grpc.health.v1.Health beside the service on every port and calls Check from the reflected file", async () => {
    for (const [name, address] of Object.entries(mesh.grpc)) {
      const client = connect(address);
      const services = await client.listServices();
      const own = `wms.${name}.v1.${name[0]!.toUpperCase()}${name.slice(1)}Service`;
      expect(services).toEqual(expect.arrayContaining([own, "grpc.health.v1.Health"]));
      const { registry, fileName } = await client.registryFor("grpc.health.v1.Health");
      expect(fileName).toMatch(/health\/v1\/health\.proto$/);
      expect(registry.getService("grpc.health.v1.Health")?.methods.map((m) => m.name)).toEqual(expect.arrayContaining(["Check", "Watch"]));
      expect(await client.call(registry, "grpc.health.v1.Health", "Check", {})).toEqual({ status: "SERVING" });
      expect(await client.call(registry, "grpc.health.v1.Health", "Check", { service: own })).toEqual({ status: "SERVING" });
      const unknown = await client.call(registry, "grpc.health.v1.Health", "Check", { service: "no.such.Service" }).catch((e: unknown) => e);
      expect((unknown as { code?: number }).code).toBe(5); // NOT_FOUND, as the health protocol says
    }
  });

  it("logs the demo buyer in, lists products and checks out, all from reflected descriptors", async () => {
    const user = connect(mesh.grpc.user);
    const userDescriptors = await user.registryFor("wms.user.v1.UserService");
    const login = (await user.call(userDescriptors.registry, "wms.user.v1.UserService", "Login", {
      login: "dmp.buyer@domain.com",
      password: "123456",
    })) as JsonObject;
    expect(typeof login.accessToken).toBe("string");
    expect((login.user as JsonObject).role).toBe("ROLE_BUYER");
    const token = String(login.accessToken);

    const product = connect(mesh.grpc.product);
    const productDescriptors = await product.registryFor("wms.product.v1.ProductService");
    const listed = (await product.call(productDescriptors.registry, "wms.product.v1.ProductService", "ListProducts", { pageSize: 100 })) as JsonObject;
    const phone = (listed.products as JsonObject[]).find((p) => p.name === "Smartphone X");
    expect(phone).toMatchObject({ priceCents: "99999", availableQuantity: "150" });

    const order = connect(mesh.grpc.order);
    const orderDescriptors = await order.registryFor("wms.order.v1.OrderService");
    const checkout = (await order.call(
      orderDescriptors.registry,
      "wms.order.v1.OrderService",
      "Checkout",
      { items: [{ productId: String(phone!.productId), quantity: "2" }], idempotencyKey: "reflection-client-1" },
      token,
    )) as JsonObject;
    const placed = checkout.order as JsonObject;
    expect(placed).toMatchObject({ status: "ORDER_STATUS_PENDING_PAYMENT", totalCents: "199998" });
    expect(typeof placed.expireTime).toBe("string");

    const anonymous = await order
      .call(orderDescriptors.registry, "wms.order.v1.OrderService", "Checkout", { items: [{ productId: String(phone!.productId), quantity: "1" }] })
      .catch((e: unknown) => e);
    expect((anonymous as { code?: number }).code).toBe(16); // UNAUTHENTICATED
  });
});
