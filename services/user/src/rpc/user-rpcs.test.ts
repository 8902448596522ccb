import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PromiseClient } from "@wms/grpc";
import { UserServiceService, Role } from "@wms/proto/user";
import { ShopServiceService } from "@wms/proto/shop";
import { rejection, testServices } from "@wms/testing";
import { shopService } from "@wms/shop-service";
import { userService } from "../module.js";
import { registration } from "../testing/registrations.js";

const services = testServices("user");
const { tokens } = services;
let users: PromiseClient<typeof UserServiceService>;
let usersWithoutShopService: PromiseClient<typeof UserServiceService>;
let shops: PromiseClient<typeof ShopServiceService>;

beforeAll(async () => {
  const shop = await services.start(shopService);
  const user = await services.start(userService, { SHOP_SERVICE_ADDR: shop.address });
  // A second user-service instance whose shop service is unreachable.
  const orphanUser = await services.start(userService, { SHOP_SERVICE_ADDR: "127.0.0.1:1" });
  users = services.client(UserServiceService, user.address);
  usersWithoutShopService = services.client(UserServiceService, orphanUser.address);
  shops = services.client(ShopServiceService, shop.address);
});
afterAll(() => services.stop());

describe("UserService", () => {
  it("registers a buyer and logs in by email (any case) and by phone", async () => {
    const { user: created, shop } = await users.register(registration("1"));
    expect(created?.role).toBe(Role.ROLE_BUYER);
    expect(shop).toBeUndefined();
    expect(created?.email).toBe("user.1@example.com");
    const byEmail = await users.login({ login: "USER.1@example.com", password: "correct horse" });
    expect(byEmail.accessToken).not.toBe("");
    expect(byEmail.user?.userId).toBe(created?.userId);
    const byPhone = await users.login({ login: "081100000001", password: "correct horse" });
    expect(byPhone.user?.userId).toBe(created?.userId);
    const me = await users.getUser({ userId: "me" }, { bearerToken: byPhone.accessToken });
    expect(me.user?.userId).toBe(created?.userId);
  });

  it("gives the same INVALID_CREDENTIALS for a wrong password and an unknown login", async () => {
    await users.register(registration("2"));
    const wrong = await rejection(users.login({ login: "user.2@example.com", password: "wrong password" }));
    const unknown = await rejection(users.login({ login: "nobody@example.com", password: "wrong password" }));
    for (const e of [wrong, unknown]) {
      expect(e.kind).toBe("UNAUTHENTICATED");
      expect(e.reason).toBe("INVALID_CREDENTIALS");
    }
    expect(wrong.message).toBe(unknown.message);
  });

  it("refuses duplicates with EMAIL_TAKEN and PHONE_TAKEN", async () => {
    await users.register(registration("3"));
    const sameEmail = await rejection(users.register({ ...registration("3"), phone: "0899999999" }));
    expect([sameEmail.kind, sameEmail.reason]).toEqual(["ALREADY_EXISTS", "EMAIL_TAKEN"]);
    const samePhone = await rejection(users.register({ ...registration("3"), email: "other3@example.com" }));
    expect([samePhone.kind, samePhone.reason]).toEqual(["ALREADY_EXISTS", "PHONE_TAKEN"]);
  });

  it("makes a seller with a shop when shop_name is given", async () => {
    const { user: seller, shop } = await users.register(registration("4", "Seller Four's Shop"));
    expect(seller?.role).toBe(Role.ROLE_SELLER);
    const owned = await shops.listShops({ ownerUserId: seller!.userId, pageSize: 10, pageToken: "" });
    expect(owned.shops.map((s) => s.name)).toEqual(["Seller Four's Shop"]);
    // The response carries the shop that was made, as the shop service stores it.
    expect(shop).toEqual(owned.shops[0]);
  });

  it("leaves no user behind when the shop cannot be created", async () => {
    const failed = await rejection(usersWithoutShopService.register(registration("5", "Never Made")));
    expect(failed.kind).toBe("UNAVAILABLE");
    const login = await rejection(users.login({ login: "user.5@example.com", password: "correct horse" }));
    expect(login.reason).toBe("INVALID_CREDENTIALS");
    // The email is free again.
    const { user: retried } = await users.register(registration("5", "Made Now"));
    expect(retried?.role).toBe(Role.ROLE_SELLER);
  });

  it("validates every field and writes nothing on bad input", async () => {
    const bad = await rejection(users.register({ email: "not-an-email", phone: "123", password: "short", shopName: "", shopDescription: "" }));
    expect(bad.kind).toBe("INVALID_ARGUMENT");
    expect(bad.fieldViolations.map((v) => v.field).sort()).toEqual(["email", "password", "phone"]);
  });

  it("lets a user read only themself, and a service anyone", async () => {
    const { user: a } = await users.register(registration("6"));
    const { user: b } = await users.register(registration("7"));
    const tokenA = (await users.login({ login: a!.email, password: "correct horse" })).accessToken;
    expect((await rejection(users.getUser({ userId: b!.userId }, { bearerToken: tokenA }))).kind).toBe("PERMISSION_DENIED");
    expect((await rejection(users.getUser({ userId: "me" }))).kind).toBe("UNAUTHENTICATED");
    const asService = await users.getUser({ userId: b!.userId }, { bearerToken: await tokens.service("order") });
    expect(asService.user?.email).toBe(b!.email);
  });
});
