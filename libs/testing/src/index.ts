export { createTestDatabase, openTestDatabase, TEST_DATABASE_URL, TEST_REDIS_URL, type MigratedTestDatabase } from "./database.js";
export { startTestService, testServices, type TestService, type TestServices } from "./service.js";
export { testTokens, type TestTokens } from "./tokens.js";
export { rejection } from "./assertions.js";
export { freePort } from "./ports.js";
export { TestClock } from "./clock.js";
export { ledgerProblems, assertLedgerMatchesLevels, type RunSql } from "./ledger.js";
export { hostileTokens, type HostileTokens } from "./hostile-tokens.js";
export { captureLog } from "./log-capture.js";
