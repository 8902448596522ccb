export { createTestDatabase, TEST_DATABASE_URL, TEST_REDIS_URL } from "@wms/db/testing";
export { startTestService, testServices, type TestService, type TestServices } from "./service.js";
export { testTokens, type TestTokens } from "./tokens.js";
export { rejection } from "./assertions.js";
export { freePort } from "./ports.js";
