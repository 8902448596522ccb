import { afterAll, describe, expect, it } from "vitest";
import { UserServiceService } from "@wms/proto/user";
import { testServices } from "@wms/testing";
import { userService } from "./module.js";

const services = testServices("user_demo");
afterAll(() => services.stop());

describe("demo data", () => {
  it("is loaded once when replicas start together on an empty database", async () => {
    const replicas = await Promise.all([1, 2, 3].map(() => services.start(userService, { DEMO_DATA: "true" })));
    const users = services.client(UserServiceService, replicas[0]!.address);
    const login = await users.login({ login: "080000000001", password: "123456" });
    expect(login.user?.email).toBe("dmp.seller@domain.com");
    // A restart on the loaded database adds nothing and still starts.
    const again = await services.start(userService, { DEMO_DATA: "true" });
    const viaRestart = services.client(UserServiceService, again.address);
    expect((await viaRestart.login({ login: "dmp.buyer@domain.com", password: "123456" })).user?.phone).toBe("080000000003");
  });
});
