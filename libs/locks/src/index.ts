export { noLocks, type LockManager, type LockOptions } from "./lock-manager.js";
export { createBatcher, createCoalescer, type Batchable, type BatcherOptions } from "./batcher.js";
export { InProcessLockManager } from "./in-process.js";
export { RedlockManager, type RedlockOptions } from "./redlock.js";
export { createLockManager, type LockConfig } from "./create.js";
export { queuedLocks } from "./queued.js";
