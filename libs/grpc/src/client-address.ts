import { BlockList, isIP } from "node:net";

/** The metadata key (and HTTP header) carrying the original client's address through a proxy. */
export const FORWARDED_FOR = "x-forwarded-for";

/**
 * The proxies whose `x-forwarded-for` is believed: addresses or CIDR ranges
 * (`127.0.0.1`, `::1`, `10.0.0.0/8`). Anyone else could write any address there, so a
 * direct caller's own address is used instead.
 */
export class TrustedProxies {
  private readonly list = new BlockList();
  readonly empty: boolean;

  constructor(entries: readonly string[]) {
    for (const entry of entries) {
      const [address = "", prefix] = entry.split("/");
      const family = isIP(address) === 6 ? "ipv6" : "ipv4";
      if (prefix === undefined) this.list.addAddress(address, family);
      else this.list.addSubnet(address, Number(prefix), family);
    }
    this.empty = entries.length === 0;
  }

  trusts(address: string): boolean {
    if (this.empty) return false;
    const plain = unmapped(address);
    return this.list.check(plain, isIP(plain) === 6 ? "ipv6" : "ipv4");
  }

  /**
   * The client's address: the nearest hop of `forwardedFor` not itself a trusted proxy, when
   * the direct peer is one; the direct peer otherwise. Undefined when nothing usable is known.
   */
  clientAddress(peer: string | undefined, forwardedFor: string | undefined): string | undefined {
    if (!peer) return undefined;
    const client = unmapped(peer);
    if (!forwardedFor || !this.trusts(client)) return client;
    return this.forwardedClient(forwardedFor) ?? client;
  }

  /**
   * The client named by `forwardedFor` when whoever sent it is trusted (a caller in this very
   * process): its nearest hop that is not itself a trusted proxy.
   */
  forwardedClient(forwardedFor: string | undefined): string | undefined {
    if (!forwardedFor) return undefined;
    let client: string | undefined;
    const hops = forwardedFor.split(",").map((h) => unmapped(h.trim())).reverse();
    for (const hop of hops) {
      if (isIP(hop) === 0) break; // a malformed entry: stop at the last address vouched for
      client = hop;
      if (!this.trusts(hop)) break;
    }
    return client;
  }
}

/** `::ffff:127.0.0.1` → `127.0.0.1`, so one entry covers a dual-stack socket's view of an IPv4 peer. */
function unmapped(address: string): string {
  return address.startsWith("::ffff:") && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

/** grpc-js's `call.getPeer()` (`127.0.0.1:5431`, `ipv4:…`, `[::1]:5431`, `ipv6:[::1]:5431`) → the address alone. */
export function peerAddress(peer: string | undefined): string | undefined {
  if (!peer) return undefined;
  const raw = peer.replace(/^ipv[46]:/, "");
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(raw);
  if (bracketed?.[1]) return bracketed[1];
  const v4 = /^([\d.]+)(?::\d+)?$/.exec(raw);
  if (v4?.[1] && isIP(v4[1]) === 4) return v4[1];
  return isIP(raw) ? raw : undefined;
}
