import { Redis } from "ioredis";
import { Redlock, ExecutionError, ResourceLockedError, type Lock } from "@sesamecare-oss/redlock";
import { errors } from "@wms/errors";
import { DEFAULT_LOCK_WAIT_MS, lockWaitTimedOut, normalizeKeys, type LockManager, type LockOptions } from "./lock-manager.js";

export interface RedlockOptions {
  urls: string[];
  /** How long a lock lives if its holder dies; work longer than this loses the lock (safe, see LockManager). */
  ttlMs: number;
  /** Pause between attempts on a contended key; the library's 200 ms is far too slow for a hot SKU. */
  retryDelayMs: number;
  retryJitterMs: number;
  /** Key prefix, so several meshes can share a Redis. */
  prefix?: string;
}

/** Redlock over one or more Redis nodes with quorum; fails fast with UNAVAILABLE when the quorum is unreachable. */
export class RedlockManager implements LockManager {
  private readonly clients: Redis[];
  private readonly redlock: Redlock;

  constructor(private readonly options: RedlockOptions) {
    this.clients = options.urls.map(
      (url) =>
        new Redis(url, {
          // Fail commands at once while disconnected instead of queueing them: a checkout must
          // not hang on a dead Redis.
          enableOfflineQueue: false,
          maxRetriesPerRequest: 0,
          connectTimeout: 1_000,
          retryStrategy: (times) => Math.min(times * 100, 1_000),
        }),
    );
    for (const client of this.clients) client.on("error", () => undefined); // reconnects on its own
    // Our loop below does the retrying: it can tell a contended key from a dead Redis.
    this.redlock = new Redlock(this.clients, { retryCount: 0, driftFactor: 0.01 });
  }

  async withLocks<T>(keys: string[], options: LockOptions, work: () => Promise<T>): Promise<T> {
    const resources = normalizeKeys(keys).map((k) => `${this.options.prefix ?? "wms:lock:"}${k}`);
    const lock = await this.acquire(resources, options.deadline?.getTime() ?? Date.now() + DEFAULT_LOCK_WAIT_MS);
    try {
      return await work();
    } finally {
      // An expired or unreachable lock needs no release; the TTL frees it.
      await lock.release().catch(() => undefined);
    }
  }

  private async acquire(resources: string[], deadline: number): Promise<Lock> {
    for (;;) {
      try {
        return await this.redlock.acquire(resources, this.options.ttlMs);
      } catch (err) {
        if (!(err instanceof ExecutionError)) throw err;
        if (!(await this.wasContended(err))) {
          throw errors.unavailable("LOCK_SERVICE_UNAVAILABLE", "the lock service (Redis) is unreachable");
        }
      }
      const pause = this.options.retryDelayMs + Math.random() * this.options.retryJitterMs;
      if (Date.now() + pause >= deadline) {
        throw lockWaitTimedOut(resources);
      }
      await new Promise((r) => setTimeout(r, pause));
    }
  }

  /** True when the nodes that answered said "locked" (retry); false when too few answered at all. */
  private async wasContended(err: ExecutionError): Promise<boolean> {
    const stats = await Promise.all(err.attempts);
    const last = stats[stats.length - 1];
    if (!last) return false;
    let reachable = last.votesFor.size;
    for (const reason of last.votesAgainst.values()) if (reason instanceof ResourceLockedError) reachable += 1;
    return reachable >= last.quorumSize;
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.quit().catch(() => c.disconnect())));
  }
}
