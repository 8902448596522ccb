import { spawn } from "node:child_process";

/**
 * The README's shell examples, as `npm test` runs them. Convention: a block fenced as ```sh runs,
 * in order, as one bash script; a block fenced as ```sh no-test is shown only (installing,
 * grpcurl, development commands). A curl example that is meant to fail ends with a comment
 * `# answers <status>`; every other call must succeed.
 */
export interface ReadmeScript {
  /** The runnable blocks joined, in README order. */
  script: string;
  blocks: number;
  skipped: number;
  /** The statuses the annotated examples announce, in README order. */
  announcedErrors: number[];
}

const FENCE = /^```(\S*)(.*)$/;

export function readmeScript(markdown: string): ReadmeScript {
  const runnable: string[] = [];
  let skipped = 0;
  let current: string[] | undefined;
  let skipping = false;
  for (const line of markdown.split("\n")) {
    const fence = FENCE.exec(line);
    if (current === undefined && !skipping && fence) {
      const [, lang, info] = fence;
      if (lang !== "sh") continue; // json, plain text, other languages: not commands
      if (/\bno-test\b/.test(info ?? "")) {
        skipping = true;
        skipped += 1;
      } else {
        current = [];
      }
      continue;
    }
    if (line.startsWith("```")) {
      if (current !== undefined) runnable.push(current.join("\n"));
      current = undefined;
      skipping = false;
      continue;
    }
    current?.push(line);
  }
  const script = runnable.join("\n\n");
  const announcedErrors = [...script.matchAll(/#\s*answers (\d{3})\b/g)].map((m) => Number(m[1]));
  return { script, blocks: runnable.length, skipped, announcedErrors };
}

/**
 * Bash that runs `script` with every curl call checked: the answer is printed as curl would,
 * each status is appended to `statusLog`, and a 404, 405, 5xx or a failed connection stops
 * the script at once, naming the call.
 */
export function checkedScript(script: string, statusLog: string): string {
  return `
shopt -s inherit_errexit
curl() {
  local out status
  out=$(command curl --silent --show-error --write-out '\\n%{http_code}' "$@")
  status=\${out##*$'\\n'}
  printf '%s\\n' "\${out%$'\\n'*}"
  printf '%s %s\\n' "$status" "$*" >> ${JSON.stringify(statusLog)}
  case "$status" in
    404|405|5??|000) echo "README example failed with HTTP $status: curl $*" >&2; return 22 ;;
  esac
}
${script}
echo "README examples done"
`;
}

/** Runs bash with -euo pipefail on `script`; its exit code and output. */
export function runBash(script: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn("bash", ["-euo", "pipefail", "-c", script], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
