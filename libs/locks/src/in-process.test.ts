import { describe, expect, it } from "vitest";
import { DomainError } from "@wms/errors";
import { InProcessLockManager } from "./in-process.js";

describe("InProcessLockManager", () => {
  it("runs holders of one key one at a time, in arrival order", async () => {
    const locks = new InProcessLockManager();
    let inside = 0;
    let maxInside = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        locks.withLocks(["sku-1"], {}, async () => {
          inside += 1;
          maxInside = Math.max(maxInside, inside);
          await new Promise((r) => setTimeout(r, 1));
          order.push(i);
          inside -= 1;
        }),
      ),
    );
    expect(maxInside).toBe(1);
    expect(order).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it("does not deadlock when holders name the same keys in opposite orders", async () => {
    const locks = new InProcessLockManager();
    const runs = Array.from({ length: 50 }, (_, i) =>
      locks.withLocks(i % 2 ? ["a", "b"] : ["b", "a"], {}, async () => new Promise((r) => setTimeout(r, 1))),
    );
    await expect(Promise.all(runs)).resolves.toHaveLength(50);
  });

  it("gives up at the deadline with ABORTED LOCK_TIMEOUT and lets later holders through", async () => {
    const locks = new InProcessLockManager();
    let release!: () => void;
    const holder = locks.withLocks(["k"], {}, () => new Promise<void>((r) => (release = r)));
    const waiter = locks.withLocks(["k"], { deadline: new Date(Date.now() + 20) }, async () => "ran");
    const err = await waiter.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).reason).toBe("LOCK_TIMEOUT");
    release();
    await holder;
    await expect(locks.withLocks(["k"], {}, async () => "next")).resolves.toBe("next");
  });
});
