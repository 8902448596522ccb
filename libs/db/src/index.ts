export { openDatabase, type Database, type DatabaseHandle, type OpenDatabaseOptions } from "./open.js";
export { pgErrorCode, isUniqueViolation, withTransactionRetry } from "./errors.js";
export { newId, isId } from "./ids.js";
export { queryRows } from "./rows.js";
export { anyOf } from "./any-of.js";
export { readPage, type Page } from "./paging.js";
export { FailFastPool, failFastPoolConfig, type FailFastOptions } from "./pool.js";
