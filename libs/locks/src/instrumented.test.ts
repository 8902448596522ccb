import { describe, expect, it } from "vitest";
import { metricsRegistry } from "@wms/telemetry";
import { DomainError } from "@wms/errors";
import { InProcessLockManager } from "./in-process.js";
import { instrumentedLocks } from "./instrumented.js";

async function waits(service: string): Promise<Record<string, { count: number; sum: number }>> {
  const metric = await metricsRegistry.getSingleMetric("wms_lock_wait_seconds")!.get();
  const out: Record<string, { count: number; sum: number }> = {};
  for (const v of metric.values as Array<{ labels: Record<string, string | number>; value: number; metricName?: string }>) {
    if (v.labels.service !== service) continue;
    const outcome = String(v.labels.outcome);
    out[outcome] ??= { count: 0, sum: 0 };
    if (v.metricName === "wms_lock_wait_seconds_count") out[outcome].count = v.value;
    if (v.metricName === "wms_lock_wait_seconds_sum") out[outcome].sum = v.value;
  }
  return out;
}

describe("instrumentedLocks", () => {
  it("records the wait before the work, not the work, and a timed-out wait as timeout", async () => {
    const locks = instrumentedLocks(new InProcessLockManager(), "lock-test");
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const first = locks.withLocks(["sku-1"], {}, () => held);
    const second = locks.withLocks(["sku-1"], {}, async () => "second ran");
    const third = locks.withLocks(["sku-1"], { deadline: new Date(Date.now() + 20) }, async () => "never");
    await expect(third).rejects.toSatisfy((err: unknown) => err instanceof DomainError && err.reason === "LOCK_TIMEOUT");
    await new Promise((r) => setTimeout(r, 30));
    release();
    await first;
    expect(await second).toBe("second ran");
    const recorded = await waits("lock-test");
    expect(recorded.acquired?.count).toBe(2);
    expect(recorded.timeout?.count).toBe(1);
    // The second waited for the first's work (≥ 50 ms); the first's own work is not in its wait.
    expect(recorded.acquired!.sum).toBeGreaterThanOrEqual(0.04);
  });
});
