export interface PeriodicTask {
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
}

/**
 * Runs `task` every `intervalMs`, each run starting only after the previous one ended (runs
 * never overlap). A failed run goes to `onError` and the next one tries again: a database blip
 * must not stop a sweeper. `signal` aborts on stop(), so a long run can end between batches.
 */
export function runPeriodically(
  intervalMs: number,
  task: (signal: AbortSignal) => Promise<void>,
  onError: (err: unknown) => void,
): PeriodicTask {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  function schedule(): void {
    if (controller.signal.aborted) return;
    timer = setTimeout(() => {
      running = task(controller.signal).catch(onError).then(schedule);
    }, intervalMs);
    timer.unref();
  }

  schedule();
  return {
    async stop() {
      controller.abort();
      clearTimeout(timer);
      await running;
    },
  };
}

/** What one batch of a sweep did: the items it took up, and how many of them failed. */
export interface BatchOutcome {
  taken: number;
  failed: number;
}

/**
 * The one batching rule of every sweeper: run `runBatch` (each takes up to `batchSize` items)
 * until one comes back short (nothing more is due), one had a failed item (a peer or the
 * database struggles: stop until the next sweep, which retries them), `signal` aborts (the
 * service stops), or `maxBatches` ran (the next sweep goes on). A batch that throws ends the
 * sweep with its error. Answers the totals.
 */
export async function sweepInBatches(opts: {
  batchSize: number;
  maxBatches: number;
  signal?: AbortSignal | undefined;
  runBatch: () => Promise<BatchOutcome>;
}): Promise<BatchOutcome> {
  const total: BatchOutcome = { taken: 0, failed: 0 };
  for (let batch = 0; batch < opts.maxBatches && !opts.signal?.aborted; batch++) {
    const { taken, failed } = await opts.runBatch();
    total.taken += taken;
    total.failed += failed;
    if (taken < opts.batchSize || failed > 0) break;
  }
  return total;
}
