import { describe, expect, it } from "vitest";
import { peerAddress, TrustedProxies } from "./client-address.js";

describe("peerAddress", () => {
  it.each([
    ["127.0.0.1:51234", "127.0.0.1"],
    ["ipv4:10.1.2.3:50051", "10.1.2.3"],
    ["[::1]:51234", "::1"],
    ["ipv6:[fd00::7]:50051", "fd00::7"],
    ["unix:/tmp/sock", undefined],
    [undefined, undefined],
  ])("%s → %s", (peer, address) => expect(peerAddress(peer)).toBe(address));
});

describe("TrustedProxies.clientAddress", () => {
  const proxies = new TrustedProxies(["127.0.0.1", "10.0.0.0/8"]);

  it("believes x-forwarded-for only from a trusted peer", () => {
    expect(proxies.clientAddress("127.0.0.1", "203.0.113.9")).toBe("203.0.113.9");
    expect(proxies.clientAddress("::ffff:127.0.0.1", "203.0.113.9")).toBe("203.0.113.9");
    expect(proxies.clientAddress("198.51.100.4", "203.0.113.9")).toBe("198.51.100.4");
  });

  it("takes the nearest hop not itself a trusted proxy (a client cannot push a fake address in front)", () => {
    expect(proxies.clientAddress("127.0.0.1", "1.1.1.1, 203.0.113.9, 10.2.3.4")).toBe("203.0.113.9");
    expect(proxies.clientAddress("127.0.0.1", "10.9.9.9, 10.2.3.4")).toBe("10.9.9.9");
  });

  it("stops at a malformed hop, and without a header the peer is the client", () => {
    expect(proxies.clientAddress("127.0.0.1", "not-an-ip, 203.0.113.9")).toBe("203.0.113.9");
    expect(proxies.clientAddress("127.0.0.1", "garbage")).toBe("127.0.0.1");
    expect(proxies.clientAddress("127.0.0.1", undefined)).toBe("127.0.0.1");
    expect(proxies.clientAddress(undefined, "203.0.113.9")).toBeUndefined();
  });

  it("with no trusted proxy, nobody's header is believed", () => {
    expect(new TrustedProxies([]).clientAddress("127.0.0.1", "203.0.113.9")).toBe("127.0.0.1");
  });
});
