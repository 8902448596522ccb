import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { lockDataDir } from "./data-dir-lock.js";

const dir = mkdtempSync(join(tmpdir(), "wms-lockfile-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("lockDataDir", () => {
  it("takes over a lock whose process is gone, holds it with this pid, and removes it on release", () => {
    // The pid of a process that has exited: what a killed process leaves behind.
    const gone = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]).stdout.toString();
    writeFileSync(join(dir, "pglite.lock"), gone);
    const release = lockDataDir(dir);
    expect(readFileSync(join(dir, "pglite.lock"), "utf8")).toBe(String(process.pid));
    release();
    expect(existsSync(join(dir, "pglite.lock"))).toBe(false);
  });

  it("refuses a directory held by a live process, naming DATA_DIR, the holder and DATABASE_URL", () => {
    writeFileSync(join(dir, "pglite.lock"), String(process.ppid));
    expect(() => lockDataDir(dir)).toThrow(new RegExp(`DATA_DIR=${dir}.*process ${process.ppid}.*DATABASE_URL`));
    rmSync(join(dir, "pglite.lock"));
  });
});
