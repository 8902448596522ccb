/**
 * `npm run bench:profile -- <file.cpuprofile> [--top 30]`: where a `node --cpu-prof` profile
 * (e.g. from `npm run bench -- --cpu-prof`, written to bench/results/profiles/ when the mesh
 * exits) spent its CPU: self time by package or repository folder, and the top functions.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { formatTable } from "./support.js";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const REPO = pathToFileURL(resolve(import.meta.dirname, "..")).href;

/** A package (node_modules/<name>), a repository folder (libs/db, services/order), or a V8 pseudo-frame. */
function categoryOf(url: string, functionName: string): string {
  if (url === "") return functionName.startsWith("(") ? functionName : "(native)";
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith("node:")) return "node:" + url.slice(5).split("/")[0];
  const repo = /\/(libs|services|gateway|bench)\/([^/]+)/.exec(url.replace(REPO, ""));
  if (repo) return repo[1] === "gateway" ? "gateway" : `${repo[1]}/${repo[2]}`;
  return url;
}

const file = process.argv[2];
if (!file) {
  process.stderr.write("usage: npm run bench:profile -- <file.cpuprofile> [--top 30]\n");
  process.exit(2);
}
const topIndex = process.argv.indexOf("--top");
const top = topIndex > 0 ? Number(process.argv[topIndex + 1]) : 30;
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
const idle = [...selfUs].filter(([id]) => byId.get(id)?.callFrame.functionName === "(idle)").reduce((a, [, us]) => a + us, 0);
const busy = total - idle;

const categories = new Map<string, number>();
const functions = new Map<string, number>();
for (const [id, us] of selfUs) {
  const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
  if (functionName === "(idle)") continue;
  const category = categoryOf(url, functionName);
  categories.set(category, (categories.get(category) ?? 0) + us);
  const where = url ? `${url.replace(/^.*\/(node_modules|libs|services|gateway)\//, "$1/")}:${lineNumber + 1}` : "";
  const key = `${functionName || "(anonymous)"} ${where}`;
  functions.set(key, (functions.get(key) ?? 0) + us);
}
const pct = (us: number) => `${((100 * us) / busy).toFixed(1)}%`;
const rows = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, us]) => [k, (us / 1000).toFixed(0), pct(us)]);
console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy (not idle)\n`);
console.log(formatTable(["self time by package / folder", "ms", "of busy"], rows(categories)));
console.log();
console.log(formatTable(["self time by function", "ms", "of busy"], rows(functions)));
