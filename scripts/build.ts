import { cpSync, existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { isBuiltin } from "node:module";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Metafile, type Plugin } from "esbuild";

// Production build: one bundled ES module per entry point, run by plain `node`.
//
// Why esbuild rather than `tsc -b`: the workspace packages export their TypeScript sources
// (what tsx, vitest and the type check read); compiling them with tsc would need a second,
// conditional set of package exports pointing at JavaScript, kept in step in every
// package.json. Bundling inlines our own packages (@wms/*) and leaves every npm dependency
// external, so node_modules stays as installed (`npm ci --omit=dev`), OpenTelemetry's loader
// hooks can still patch grpc-js, and PGlite still finds its wasm. It takes about a second.
// Type checking stays with `npm run lint`; esbuild only strips types.
//
// Files read at run time are resolved from `import.meta.url` (drizzle migration folders, the
// buf image, the OpenAPI document). Each such source file's `import.meta.url` is rewritten to where that file would
// sit inside the output directory, and those assets are copied there at the same relative
// paths, so the output directory is self-contained next to node_modules.

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Entry points: `main` runs any service, the gateway or `migrate`; `mesh` is `npm start`'s one process. */
export const entryPoints = {
  main: "services/main.ts",
  mesh: "services/mesh.ts",
  healthcheck: "services/healthcheck.ts",
};

/** Everything the code reads from disk relative to its own source file. */
export function runtimeAssets(): string[] {
  const migrations = readdirSync(join(repoRoot, "services"))
    .map((service) => `services/${service}/drizzle`)
    .filter((dir) => existsSync(join(repoRoot, dir)));
  return [...migrations, "libs/proto/descriptors", "libs/proto/openapi"];
}

export async function buildProduction(outDir = join(repoRoot, "dist")): Promise<void> {
  rmSync(outDir, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: repoRoot,
    entryPoints,
    outdir: outDir,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    sourcemap: "linked",
    metafile: true,
    logLevel: "warning",
    plugins: [externalDependencies(), relocateImportMetaUrl(outDir)],
  });
  checkDependencies(result.metafile);
  for (const dir of runtimeAssets()) cpSync(join(repoRoot, dir), join(outDir, dir), { recursive: true });
}

/** npm packages stay in node_modules; our own workspace packages (@wms/*) are bundled. */
function externalDependencies(): Plugin {
  return {
    name: "external-dependencies",
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith("@wms/") ? undefined : { path: args.path, external: true }));
    },
  };
}

function relocateImportMetaUrl(outDir: string): Plugin {
  return {
    name: "relocate-import-meta-url",
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, (args) => {
        if (args.path.split(sep).includes("node_modules")) return undefined;
        const source = readFileSync(args.path, "utf8");
        if (!source.includes("import.meta.url")) return undefined;
        // The bundle sits at the top of outDir; this file's place inside it mirrors the repo.
        const inOutput = "./" + relative(repoRoot, args.path).split(sep).join("/");
        if (inOutput.startsWith("./..")) throw new Error(`${args.path} is outside the repository`);
        return { contents: source.replaceAll("import.meta.url", `new URL(${JSON.stringify(inOutput)}, import.meta.url).href`), loader: "ts" };
      });
    },
  };
}

/** A bare import the bundle leaves external must be a production dependency, or the image breaks. */
function checkDependencies(metafile: Metafile): void {
  const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
  const declared = new Set(Object.keys(pkg.dependencies ?? {}));
  const missing = new Set<string>();
  for (const output of Object.values(metafile.outputs)) {
    for (const { path, external } of output.imports) {
      if (!external || isBuiltin(path)) continue;
      const name = path.startsWith("@") ? path.split("/").slice(0, 2).join("/") : (path.split("/")[0] ?? path);
      if (!declared.has(name)) missing.add(name);
    }
  }
  if (missing.size > 0) throw new Error(`imported at run time but not in package.json "dependencies": ${[...missing].join(", ")}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildProduction(process.argv[2] ? resolve(process.argv[2]) : undefined);
}
