import { describe, expect, it } from "vitest";
import { runPeriodically } from "./periodic.js";

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
