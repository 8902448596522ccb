import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "@wms/grpc";
import { UserServiceService } from "@wms/proto/user";
import { fullServiceNames } from "@wms/proto/services";
import { createTestDatabase } from "@wms/testing";
import { startMesh, restClient, errorReason, type Mesh, type MeshServiceName } from "../support/mesh.js";
import { healthCheck, ReflectionClient } from "../support/grpc-tools.js";

// The mesh as `npm start` runs it, once on the embedded database and once on PostgreSQL.
describe.each([
  { mode: "embedded PGlite", postgres: false },
  { mode: "PostgreSQL", postgres: true },
])("the mesh on $mode", ({ postgres }) => {
  let mesh: Mesh;
  let dropDatabase: (() => Promise<void>) | undefined;
  let rest: ReturnType<typeof restClient>;

  beforeAll(async () => {
    const env: Record<string, string> = {};
    if (postgres) {
      const db = await createTestDatabase("e2e");
      env.DATABASE_URL = db.url;
      dropDatabase = db.drop;
    }
    mesh = await startMesh(env);
    rest = restClient(mesh.restUrl);
  }, 120_000);
  afterAll(async () => {
    await mesh?.stop();
    await dropDatabase?.();
  });

  it("answers health SERVING and lists its service through reflection on every port, imports included", async () => {
    for (const [name, address] of Object.entries(mesh.grpc) as Array<[MeshServiceName, string]>) {
      expect(await healthCheck(address)).toBe("SERVING");
      expect(await healthCheck(address, fullServiceNames[name])).toBe("SERVING");
      const reflection = new ReflectionClient(address);
      try {
        expect(await reflection.listServices()).toContain(fullServiceNames[name]);
        const files = await reflection.resolveAll(fullServiceNames[name]);
        expect([...files.keys()]).toEqual(
          expect.arrayContaining([`wms/${name}/v1/${name}.proto`, "google/api/annotations.proto", "google/api/http.proto", "google/protobuf/timestamp.proto", "google/protobuf/descriptor.proto"]),
        );
        const service = files.get(`wms/${name}/v1/${name}.proto`)?.service[0];
        expect(service?.method.length).toBeGreaterThan(2);
      } finally {
        reflection.close();
      }
    }
  });

  it("logs the demo buyer in by email and by phone over REST", async () => {
    for (const login of ["dmp.buyer@domain.com", "080000000003"]) {
      const res = await rest("POST", "/v1/users:login", { body: { login, password: "123456" } });
      expect(res.status).toBe(200);
      expect(typeof res.json.accessToken).toBe("string");
      expect((res.json.user as Record<string, unknown>).role).toBe("ROLE_BUYER");
    }
  });

  it("answers a wrong password with 401 INVALID_CREDENTIALS in the details", async () => {
    const res = await rest("POST", "/v1/users:login", { body: { login: "dmp.buyer@domain.com", password: "wrong" } });
    expect(res.status).toBe(401);
    expect(res.json.code).toBe(16);
    expect(errorReason(res.json)).toBe("INVALID_CREDENTIALS");
    expect(JSON.stringify(res.json)).not.toMatch(/at .*\.ts|select |insert /i);
  });

  it("registers a seller with a shop, logs in, and manages shops over REST and gRPC", async () => {
    const email = `seller.${Date.now()}@example.com`;
    const registered = await rest("POST", "/v1/users:register", {
      body: { email, phone: `08${String(Date.now()).slice(-10)}`, password: "long password", shopName: "E2E Shop" },
    });
    expect(registered.status).toBe(200);
    const user = registered.json.user as Record<string, string>;
    expect(user.role).toBe("ROLE_SELLER");
    const login = await rest("POST", "/v1/users:login", { body: { login: email, password: "long password" } });
    const token = login.json.accessToken as string;

    const owned = await rest("GET", `/v1/shops?ownerUserId=${user.userId}`);
    expect((owned.json.shops as Array<Record<string, string>>).map((s) => s.name)).toEqual(["E2E Shop"]);
    const created = await rest("POST", "/v1/shops", { token, body: { name: "Second Shop", description: "more" } });
    expect(created.status).toBe(200);
    const shopId = (created.json.shop as Record<string, string>).shopId;
    expect((await rest("GET", `/v1/shops/${shopId}`)).json.shop).toMatchObject({ name: "Second Shop", ownerUserId: user.userId });
    const page = await rest("GET", `/v1/shops?ownerUserId=${user.userId}&pageSize=1`);
    expect((page.json.shops as unknown[]).length).toBe(1);
    expect(page.json.nextPageToken).not.toBe("");

    // The same token works over gRPC, as grpcurl would send it.
    const users = createClient(UserServiceService, mesh.grpc.user);
    try {
      const me = await users.getUser({ userId: "me" }, { bearerToken: token });
      expect(me.user?.email).toBe(email);
    } finally {
      users.close();
    }
  });

  it("refuses bad input with 400 and field violations, and unknown routes with 404", async () => {
    const bad = await rest("POST", "/v1/users:register", { body: { email: "nope", password: "x" } });
    expect(bad.status).toBe(400);
    const details = bad.json.details as Array<Record<string, unknown>>;
    const badRequest = details.find((d) => String(d["@type"]).endsWith("google.rpc.BadRequest"));
    expect((badRequest?.fieldViolations as Array<{ field: string }>).map((v) => v.field)).toEqual(expect.arrayContaining(["email", "password"]));
    expect((await rest("POST", "/v1/users:login", { rawBody: "{not json" })).status).toBe(400);
    expect((await rest("GET", "/v1/nothing-here")).status).toBe(404);
    expect((await rest("POST", "/v1/shops", { body: { name: "x" } })).status).toBe(401);
  });
});
