import { describe, expect, it } from "vitest";
import { DomainError } from "@wms/errors";
import { planAllocations } from "./allocation.js";

const P = "00000000-0000-7000-8000-000000000001";
const Q = "00000000-0000-7000-8000-000000000002";
const wa = "00000000-0000-7000-8000-00000000000a";
const wb = "00000000-0000-7000-8000-00000000000b";
const wc = "00000000-0000-7000-8000-00000000000c";
const level = (warehouseId: string, available: number, productId = P) => ({ warehouseId, productId, available });

describe("planAllocations", () => {
  it("serves a line from the single largest warehouse when it suffices", () => {
    expect(planAllocations([{ productId: P, quantity: 40 }], [level(wa, 30), level(wb, 50), level(wc, 45)])).toEqual([
      { productId: P, warehouseId: wb, quantity: 40 },
    ]);
  });

  it("breaks ties between equally stocked warehouses by warehouse id", () => {
    expect(planAllocations([{ productId: P, quantity: 5 }], [level(wc, 10), level(wb, 10)])).toEqual([
      { productId: P, warehouseId: wb, quantity: 5 },
    ]);
  });

  it("splits largest first, ties by id, when no warehouse suffices alone", () => {
    expect(planAllocations([{ productId: P, quantity: 70 }], [level(wc, 30), level(wa, 30), level(wb, 25)])).toEqual([
      { productId: P, warehouseId: wa, quantity: 30 },
      { productId: P, warehouseId: wc, quantity: 30 },
      { productId: P, warehouseId: wb, quantity: 10 },
    ]);
  });

  it("plans each product from its own levels only", () => {
    const plan = planAllocations(
      [
        { productId: P, quantity: 3 },
        { productId: Q, quantity: 4 },
      ],
      [level(wa, 5, P), level(wb, 9, Q), level(wa, 1, Q)],
    );
    expect(plan).toEqual([
      { productId: P, warehouseId: wa, quantity: 3 },
      { productId: Q, warehouseId: wb, quantity: 4 },
    ]);
  });

  it("refuses with INSUFFICIENT_STOCK naming the short product", () => {
    let caught: unknown;
    try {
      planAllocations([{ productId: Q, quantity: 11 }], [level(wa, 5, Q), level(wb, 5, Q)]);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(DomainError);
    expect((caught as DomainError).reason).toBe("INSUFFICIENT_STOCK");
    expect((caught as DomainError).metadata).toEqual({ productId: Q, requested: "11", available: "10" });
  });
});
