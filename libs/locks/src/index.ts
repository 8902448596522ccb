export type { LockManager, LockOptions } from "./lock-manager.js";
export { InProcessLockManager } from "./in-process.js";
export { RedlockManager, type RedlockOptions } from "./redlock.js";
export { createLockManager } from "./create.js";
