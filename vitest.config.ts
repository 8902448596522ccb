import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["libs/**/*.test.ts", "bench/**/*.test.ts", "services/**/*.test.ts", "gateway/**/*.test.ts", "tools/**/*.test.ts", "clients/**/*.test.ts", "test/**/*.test.ts"],
    globalSetup: ["./test/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    env: { LOG_LEVEL: "silent" },
    pool: "forks",
  },
});
