import { SpanKind } from "@opentelemetry/api";
import { DomainError } from "@wms/errors";
import { insideTrace, markFailed, recordLockWait, tracerFor } from "@wms/telemetry";
import { normalizeKeys, type LockManager } from "./lock-manager.js";

/**
 * Measures how long callers of `service` wait for their locks (the local queue and Redis
 * together): a `lock wait` child span of the request and the wms_lock_wait_seconds histogram.
 * The work under the locks is not part of the span.
 */
export function instrumentedLocks(locks: LockManager, service: string): LockManager {
  return {
    withLocks(keys, options, work) {
      const started = performance.now();
      const span = insideTrace()
        ? tracerFor(service).startSpan("lock wait", { kind: SpanKind.INTERNAL, attributes: { "wms.lock.keys": normalizeKeys(keys) } })
        : undefined;
      let waiting = true;
      const stopWaiting = (outcome: "acquired" | "timeout" | "error", err?: unknown) => {
        waiting = false;
        recordLockWait(service, outcome, (performance.now() - started) / 1000);
        if (span && err !== undefined) markFailed(span, err, outcome === "timeout" ? "LOCK_TIMEOUT" : undefined);
        span?.end();
      };
      return locks
        .withLocks(keys, options, () => {
          stopWaiting("acquired");
          return work();
        })
        .catch((err: unknown) => {
          if (waiting) stopWaiting(err instanceof DomainError && err.reason === "LOCK_TIMEOUT" ? "timeout" : "error", err);
          throw err;
        });
    },
    close: () => locks.close(),
  };
}
