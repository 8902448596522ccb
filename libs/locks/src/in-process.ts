import { errors } from "@wms/errors";
import { DEFAULT_LOCK_WAIT_MS, normalizeKeys, type LockManager, type LockOptions } from "./lock-manager.js";

/** Per-key FIFO locks inside one process: the embedded mode, where every service shares a process. */
export class InProcessLockManager implements LockManager {
  private readonly tails = new Map<string, Promise<void>>();

  async withLocks<T>(keys: string[], options: LockOptions, work: () => Promise<T>): Promise<T> {
    const deadline = options.deadline?.getTime() ?? Date.now() + DEFAULT_LOCK_WAIT_MS;
    const releases: Array<() => void> = [];
    try {
      for (const key of normalizeKeys(keys)) releases.push(await this.acquire(key, deadline));
      return await work();
    } finally {
      for (const release of releases.reverse()) release();
    }
  }

  private async acquire(key: string, deadline: number): Promise<() => void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => held);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), Math.max(0, deadline - Date.now()));
    });
    const outcome = await Promise.race([previous.then(() => "acquired" as const), timedOut]);
    clearTimeout(timer);
    if (outcome === "timeout") {
      // Still in the queue: pass the turn on as soon as it comes.
      void previous.then(release);
      throw errors.aborted("LOCK_TIMEOUT", `timed out waiting for the lock on ${key}`, { lockKey: key });
    }
    return release;
  }

  async close(): Promise<void> {}
}
