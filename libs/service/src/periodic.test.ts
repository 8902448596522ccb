import { describe, expect, it } from "vitest";
import { runPeriodically, sweepInBatches, type BatchOutcome } from "./periodic.js";

describe("runPeriodically", () => {
  it("never overlaps runs, survives a failed run, and stop() waits for the run in progress", async () => {
    let inside = 0;
    let maxInside = 0;
    let runs = 0;
    const errors: unknown[] = [];
    let finishedAfterStop = false;
    const task = runPeriodically(
      5,
      async (signal) => {
        runs += 1;
        inside += 1;
        maxInside = Math.max(maxInside, inside);
        await new Promise((r) => setTimeout(r, 15));
        inside -= 1;
        if (signal.aborted) finishedAfterStop = true;
        if (runs === 2) throw new Error("blip");
      },
      (err) => errors.push(err),
    );
    while (runs < 4) await new Promise((r) => setTimeout(r, 5));
    await task.stop();
    const runsAtStop = runs;
    await new Promise((r) => setTimeout(r, 30));
    expect(maxInside).toBe(1);
    expect(errors).toHaveLength(1);
    expect(inside).toBe(0);
    expect(finishedAfterStop).toBe(true);
    expect(runs).toBe(runsAtStop);
  });
});

describe("sweepInBatches", () => {
  /** A sweep over scripted batches, recording how many ran. */
  async function sweep(batches: BatchOutcome[], opts: { maxBatches?: number; signal?: AbortSignal } = {}) {
    let ran = 0;
    const total = await sweepInBatches({
      batchSize: 3,
      maxBatches: opts.maxBatches ?? 10,
      signal: opts.signal,
      runBatch: async () => batches[ran++] ?? { taken: 0, failed: 0 },
    });
    return { ran, total };
  }

  it("goes on while batches come back full and stops after the first short one", async () => {
    expect(await sweep([{ taken: 3, failed: 0 }, { taken: 3, failed: 0 }, { taken: 1, failed: 0 }, { taken: 3, failed: 0 }])).toEqual({
      ran: 3,
      total: { taken: 7, failed: 0 },
    });
  });

  it("stops after a batch with a failed item, even a full one", async () => {
    expect(await sweep([{ taken: 3, failed: 1 }, { taken: 3, failed: 0 }])).toEqual({ ran: 1, total: { taken: 3, failed: 1 } });
  });

  it("runs at most maxBatches, and none once the signal aborted", async () => {
    const full = Array.from({ length: 5 }, () => ({ taken: 3, failed: 0 }));
    expect((await sweep(full, { maxBatches: 2 })).ran).toBe(2);
    const controller = new AbortController();
    controller.abort();
    expect((await sweep(full, { signal: controller.signal })).ran).toBe(0);
  });

  it("ends with the error of a batch that throws", async () => {
    const err = new Error("database down");
    await expect(sweepInBatches({ batchSize: 3, maxBatches: 10, runBatch: () => Promise.reject(err) })).rejects.toBe(err);
  });
});
