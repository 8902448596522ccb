import { execFileSync, spawn } from "node:child_process";
import { CLOCK_TICKS } from "../proc.js";

/** The outside load generators and the Debian packages that ship them. */
export const TOOL_PACKAGES = { h2load: "nghttp2-client", wrk: "wrk" } as const;
export type Tool = keyof typeof TOOL_PACKAGES;

/** Tools of `wanted` not on PATH. */
export function missingTools(wanted: readonly Tool[]): Tool[] {
  return wanted.filter((tool) => {
    try {
      execFileSync("sh", ["-c", `command -v ${tool}`], { stdio: "ignore" });
      return false;
    } catch {
      return true;
    }
  });
}

/** The one command that installs them (the bench installs nothing itself). */
export function installCommand(missing: readonly Tool[]): string {
  return `apt-get update && apt-get install -y ${[...new Set(missing.map((t) => TOOL_PACKAGES[t]))].join(" ")}`;
}

export function toolVersion(tool: Tool): string {
  try {
    const out = execFileSync(tool, tool === "wrk" ? ["-v"] : ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    return out.split("\n")[0]!.replace(/ Copyright.*/, "").trim();
  } catch (err) {
    // wrk -v prints its version, then its usage, and exits 1.
    const out = String((err as { stdout?: string }).stdout ?? "");
    return out.split("\n")[0]?.replace(/ Copyright.*/, "").trim() || "unknown";
  }
}

export interface ToolRun {
  code: number;
  stdout: string;
  stderr: string;
  /** The tool's own CPU (user + system), ms. */
  cpuMs: number;
}

/**
 * Runs `command args` to its end. It runs under `sh`, which reads its own /proc stat after
 * waiting for it: cutime + cstime are then the tool's whole CPU time, which /proc no longer
 * shows once the tool itself has exited.
 */
export function runTool(command: string, args: string[]): Promise<ToolRun> {
  const script = `"$@"; code=$?; echo "WMS_CHILD_STAT $(cat /proc/$$/stat)" >&2; exit $code`;
  const child = spawn("sh", ["-c", script, "sh", command, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => {
      const marker = /^WMS_CHILD_STAT (.*)$/m.exec(stderr);
      resolve({ code: code ?? 1, stdout, stderr: stderr.replace(/^WMS_CHILD_STAT .*\n?/m, ""), cpuMs: marker ? childrenCpuMs(marker[1]!) : 0 });
    });
  });
}

/** cutime + cstime (fields 16 and 17) of a /proc/<pid>/stat line, in ms. */
export function childrenCpuMs(statLine: string, ticksPerSecond = CLOCK_TICKS): number {
  const rest = statLine.slice(statLine.lastIndexOf(")") + 2).split(" ");
  const field = (n: number) => Number(rest[n - 3]);
  return ((field(16) + field(17)) * 1000) / ticksPerSecond;
}

/** `command args` as one would type it in a shell (arguments quoted where they need it). */
export function shellCommand(command: string, args: readonly string[]): string {
  return [command, ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`)).join(" ");
}

/**
 * A command as printed and recorded: no buyer token (a quoted argument holding one becomes
 * "…$BUYER_TOKEN", for a shell to fill in) and its files named relative to `dir`.
 */
export function redactCommand(command: string, tokens: readonly string[], dir: string): string {
  let out = command.replaceAll(`${dir}/`, "");
  for (const token of tokens) {
    out = out.replace(/'([^']*)'/g, (quoted, inner: string) => (inner.includes(token) ? `"${inner.replaceAll(token, "$BUYER_TOKEN")}"` : quoted)).replaceAll(token, "$BUYER_TOKEN");
  }
  return out;
}
