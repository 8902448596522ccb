import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { chromium, type Browser } from "playwright-core";

/** Debian's chromium, headless; the flags keep it from reaching out to any network of its own. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
  });
}

/**
 * A static web app (one page and test/support/browser-app.ts bundled by esbuild) served on
 * 127.0.0.1:`port`, i.e. on another origin than the gateway.
 */
export async function serveBrowserApp(port: number): Promise<{ origin: string; close(): Promise<void> }> {
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL("./browser-app.ts", import.meta.url))],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
  });
  const script = bundle.outputFiles[0]?.text ?? "";
  const page = `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>app</title><script type="module" src="/app.js"></script></head><body>app</body></html>`;
  const server: Server = createServer((req, res) => {
    if (req.url === "/app.js") res.writeHead(200, { "content-type": "text/javascript" }).end(script);
    else res.writeHead(200, { "content-type": "text/html" }).end(page);
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${bound}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
