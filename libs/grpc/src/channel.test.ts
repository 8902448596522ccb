import { describe, expect, it } from "vitest";
import { channelTarget } from "./channel.js";

describe("channelTarget", () => {
  it("keeps one address or a dns:/// name, and turns an IP list into a static ipv4:/ipv6: target", () => {
    expect(channelTarget("127.0.0.1:50051")).toBe("127.0.0.1:50051");
    expect(channelTarget("dns:///order.wms.svc:50055")).toBe("dns:///order.wms.svc:50055");
    expect(channelTarget("127.0.0.1:50055, localhost:50065")).toBe("ipv4:127.0.0.1:50055,127.0.0.1:50065");
    expect(channelTarget("[::1]:1,[::1]:2")).toBe("ipv6:[::1]:1,[::1]:2");
  });

  it("refuses a list of names, which grpc-js cannot balance over, saying what to use instead", () => {
    expect(() => channelTarget("order-a:50055,order-b:50055")).toThrow(/dns:\/\/\//);
  });
});
