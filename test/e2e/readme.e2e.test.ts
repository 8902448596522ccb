import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMesh, type Mesh } from "../support/mesh.js";
import { checkedScript, readmeScript, runBash } from "../support/readme.js";

// The README's examples, pasted in order into a shell on a fresh `npm start`, must work: this
// runs them against a fresh embedded mesh, with localhost:8080 pointing at it.
const readme = readFileSync(fileURLToPath(new URL("../../README.md", import.meta.url)), "utf8");

describe("readmeScript", () => {
  it("runs ```sh blocks in order and skips ```sh no-test, json and plain blocks", () => {
    const md = ["```sh", "A=1", "```", "```json", "{}", "```", "```sh no-test", "npm start", "```", "```", "text", "```", "```sh", 'echo "$A"  # answers 401', "```"].join("\n");
    expect(readmeScript(md)).toEqual({ script: 'A=1\n\necho "$A"  # answers 401', blocks: 2, skipped: 1, announcedErrors: [401] });
  });
});

describe("the README's shell examples", () => {
  let mesh: Mesh;
  const dir = mkdtempSync(join(tmpdir(), "wms-readme-"));
  beforeAll(async () => {
    mesh = await startMesh();
  });
  afterAll(async () => {
    await mesh?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("run in order against a fresh mesh: no unset variable, no 404, 405 or 5xx, only the errors they announce", async () => {
    const { script, blocks, announcedErrors } = readmeScript(readme);
    expect(blocks).toBeGreaterThanOrEqual(5);
    const statusLog = join(dir, "statuses");
    const host = new URL(mesh.restUrl).host;
    const run = await runBash(checkedScript(script.replaceAll("localhost:8080", host), statusLog), { PATH: process.env.PATH, HOME: dir }, 120_000);
    const report = `exit ${run.code}\n--- stderr\n${run.stderr}\n--- stdout (tail)\n${run.stdout.slice(-3000)}`;
    expect(run.code, report).toBe(0);
    expect(run.stdout).toContain("README examples done");

    const calls = readFileSync(statusLog, "utf8").trim().split("\n").map((line) => ({ status: Number(line.slice(0, 3)), call: line.slice(4) }));
    // Every example reached the gateway; the failures are exactly the announced ones, in order.
    expect(calls.length).toBeGreaterThanOrEqual(30);
    expect(calls.filter((c) => c.status >= 300).map((c) => c.status), JSON.stringify(calls.filter((c) => c.status >= 300))).toEqual(announcedErrors);
  });
});
