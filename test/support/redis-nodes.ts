import { spawn, type ChildProcess } from "node:child_process";
import { Redis } from "ioredis";
import { freePort } from "@wms/testing";

export interface RedisNodes {
  urls: string[];
  /** Commands each node has run so far (INFO commandstats), to show every node took part. */
  commandCounts(): Promise<number[]>;
  stop(): Promise<void>;
}

/** Throwaway `redis-server`s on free ports, in memory only, for a Redlock quorum of our own. */
export async function startRedisNodes(count: number): Promise<RedisNodes> {
  const nodes: Array<{ child: ChildProcess; url: string }> = [];
  for (let i = 0; i < count; i++) {
    const port = await freePort();
    const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
    nodes.push({ child, url: `redis://127.0.0.1:${port}` });
  }
  const clients = nodes.map((n) => new Redis(n.url, { lazyConnect: true, maxRetriesPerRequest: 1 }));
  for (const c of clients) c.on("error", () => undefined);
  for (const c of clients) {
    const until = Date.now() + 10_000;
    for (;;) {
      try {
        await c.connect();
        await c.ping();
        break;
      } catch (err) {
        if (Date.now() > until) throw new Error(`redis-server did not start: ${(err as Error).message}`);
        c.disconnect();
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }
  return {
    urls: nodes.map((n) => n.url),
    async commandCounts() {
      return Promise.all(
        clients.map(async (c) => {
          const info = await c.info("commandstats");
          return [...info.matchAll(/calls=(\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
        }),
      );
    },
    async stop() {
      for (const c of clients) c.disconnect();
      await Promise.all(
        nodes.map(
          (n) =>
            new Promise<void>((resolve) => {
              if (n.child.exitCode !== null) return resolve();
              n.child.once("exit", () => resolve());
              n.child.kill("SIGTERM");
            }),
        ),
      );
    },
  };
}
