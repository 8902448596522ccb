export { createTestDatabase, TEST_DATABASE_URL, TEST_REDIS_URL } from "@wms/db/testing";
export { startTestService, type TestService } from "./service.js";
export { testTokens, type TestTokens } from "./tokens.js";
