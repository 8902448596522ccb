import { createServer, type Server } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createTestDatabase, freePort, TEST_REDIS_URL } from "@wms/testing";
import { runMeshToExit, startMesh } from "../support/mesh.js";

// `npm start` explains itself: a bad configuration or a taken port stops it before any port
// opens, naming the variable; the ready line says which database, locks and demo data it runs on.
// LOG_LEVEL=info makes every "listening" log visible, so their absence shows nothing opened.

describe("mesh start-up", () => {
  it("checks every service's configuration before opening any port, naming every bad variable once", async () => {
    const { code, output } = await runMeshToExit({ LOG_LEVEL: "info", RESERVATION_TTL: "abc", ACCESS_TOKEN_TTL: "soon", DB_POOL_SIZE: "lots" });
    expect(code).toBe(2);
    expect(output).toContain('RESERVATION_TTL="abc" is not a positive duration');
    expect(output).toContain('ACCESS_TOKEN_TTL="soon" is not a positive duration');
    // DB_POOL_SIZE is every service's variable, reported once.
    expect(output.match(/DB_POOL_SIZE=/g)).toHaveLength(1);
    expect(output).not.toMatch(/listening/);
  });

  it("names the variable of a port that is in use, with nothing opened", async () => {
    const port = await freePort();
    const squatter: Server = createServer();
    await new Promise<void>((done) => squatter.listen(port, "127.0.0.1", done));
    try {
      const { code, output } = await runMeshToExit({ LOG_LEVEL: "info", PRODUCT_PORT: String(port), PRODUCT_SERVICE_ADDR: `127.0.0.1:${port}` });
      expect(code).toBe(2);
      expect(output).toContain(`PRODUCT_PORT=${port} is in use`);
      expect(output).not.toMatch(/listening/);
    } finally {
      await new Promise((done) => squatter.close(done));
    }
  });

  describe("on the embedded defaults", () => {
    const dataDir = mkdtempSync(join(tmpdir(), "wms-startup-"));
    afterAll(() => rmSync(dataDir, { recursive: true, force: true, maxRetries: 5 }));

    it("says it runs on embedded PGlite in its data directory with in-process locks, and whether demo data was loaded", async () => {
      const first = await startMesh({}, { dataDir });
      await first.stop();
      expect(first.readyLine).toContain(`database: embedded PGlite in ${resolve(dataDir, "pglite")}`);
      expect(first.readyLine).toContain("locks: in-process");
      expect(first.readyLine).toContain("demo data: loaded");

      const again = await startMesh({}, { dataDir });
      await again.stop();
      expect(again.readyLine).toContain("demo data: not loaded (the database already had data)");
    }, 180_000);
  });

  it("names the PostgreSQL host and database without credentials, and Redlock's nodes", async () => {
    const db = await createTestDatabase("startup_e2e");
    try {
      const url = new URL(db.url);
      url.username = "postgres";
      url.password = "hunter2"; // trust auth ignores it; it must not be printed
      const mesh = await startMesh({ DATABASE_URL: url.toString(), REDIS_URLS: TEST_REDIS_URL, DEMO_DATA: "false" });
      await mesh.stop();
      expect(mesh.readyLine).toContain(`database: PostgreSQL ${url.host}${url.pathname}`);
      expect(mesh.readyLine).toContain("locks: Redlock over 1 Redis node");
      expect(mesh.readyLine).toContain("demo data: off (DEMO_DATA=false)");
      expect(mesh.output()).not.toContain("hunter2");
    } finally {
      await db.drop();
    }
  }, 120_000);
});
