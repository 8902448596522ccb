import { describe, expect, it } from "vitest";
import { DomainError, errors } from "@wms/errors";
import { newId } from "@wms/db";
import { createShopOwners, type GetShop } from "./shop-owners.js";

/** A shop directory in memory that counts lookups (the gRPC path is covered by the rpc tests). */
function directory(owners: Map<string, string>): { getShop: GetShop; lookups: string[] } {
  const lookups: string[] = [];
  const getShop: GetShop = async (shopId) => {
    lookups.push(shopId);
    await new Promise((r) => setImmediate(r));
    const ownerUserId = owners.get(shopId);
    if (ownerUserId === undefined) throw errors.notFound("shop", shopId);
    return { shop: { ownerUserId } };
  };
  return { getShop, lookups };
}

describe("createShopOwners", () => {
  it("looks a shop up once, even for concurrent callers, and in any letter case", async () => {
    const shopId = newId();
    const dir = directory(new Map([[shopId, "owner-1"]]));
    const owners = createShopOwners(dir.getShop, 10);
    const answers = await Promise.all([owners.ownerOf(shopId, {}), owners.ownerOf(shopId, {}), owners.ownerOf(shopId.toUpperCase(), {})]);
    expect(answers).toEqual(["owner-1", "owner-1", "owner-1"]);
    expect(await owners.ownerOf(shopId, {})).toBe("owner-1");
    expect(dir.lookups).toEqual([shopId]);
  });

  it("does not remember a missing shop: it may be created later", async () => {
    const shopId = newId();
    const known = new Map<string, string>();
    const dir = directory(known);
    const owners = createShopOwners(dir.getShop, 10);
    const err = await owners.ownerOf(shopId, {}).catch((e: unknown) => e);
    expect((err as DomainError).reason).toBe("SHOP_NOT_FOUND");
    known.set(shopId, "late-owner");
    expect(await owners.ownerOf(shopId, {})).toBe("late-owner");
    expect(dir.lookups).toEqual([shopId, shopId]);
  });

  it("answers NOT_FOUND for a malformed id without a lookup", async () => {
    const dir = directory(new Map());
    const err = await createShopOwners(dir.getShop, 10).ownerOf("shop 1", {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).kind).toBe("NOT_FOUND");
    expect(dir.lookups).toEqual([]);
  });

  it("forgets the least recently used owner beyond its size", async () => {
    const [a, b, c] = [newId(), newId(), newId()];
    const dir = directory(new Map([[a, "A"], [b, "B"], [c, "C"]]));
    const owners = createShopOwners(dir.getShop, 2);
    for (const id of [a, b, c, b, c, a]) await owners.ownerOf(id, {});
    expect(dir.lookups).toEqual([a, b, c, a]);
  });
});
