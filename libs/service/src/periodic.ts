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
