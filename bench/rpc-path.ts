/**
 * `npx tsx bench/rpc-path.ts > /dev/null`: the mesh's per-call cost with no database: CPU of
 * this process per outside call, where each outside call (gRPC over loopback, 64 at a time,
 * from a child process, with a buyer's token) makes two in-process calls to a second server
 * (with the service credential), as a checkout calls product and warehouse. The servers are the
 * real ones (@wms/grpc: guard, auth, logging to stdout at info, metrics); the handlers do
 * nothing else. Logs go to stdout (send them to /dev/null or a pipe), the figures to stderr.
 * Flags: --seconds 10 (window), --warmup 3, --concurrency 64.
 */
import { fork } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { Client, credentials, Metadata } from "@grpc/grpc-js";
import { ShopServiceService, type GetShopRequest, type GetShopResponse, type Shop } from "@wms/proto/shop";
import { TokenIssuer, TokenVerifier } from "@wms/auth";
import { createLogger } from "@wms/logging";
import { bindService, createClient, ServiceCredentials, setInProcessCalls, startGrpcServer, unimplementedHandlers } from "@wms/grpc";

const flag = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const shop: Shop = { shopId: "s-1", ownerUserId: "u-1", name: "Corner shop", description: "A shop", createTime: { seconds: 1767323045, nanos: 678_000_000 } };

if (process.argv[2] === "client") await client(process.argv[3]!, process.argv[4]!);
else await serve();

async function serve(): Promise<void> {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const issuer = new TokenIssuer(privateKey);
  const verifier = new TokenVerifier(publicKey);
  const logger = createLogger("rpc-path", "info");
  setInProcessCalls(true);
  const back = await startGrpcServer({
    name: "back",
    host: "127.0.0.1",
    port: 0,
    verifier,
    logger,
    services: [bindService(ShopServiceService, { ...unimplementedHandlers(ShopServiceService), getShop: async (): Promise<GetShopResponse> => ({ shop }) })],
  });
  const peer = createClient(ShopServiceService, back.address, new ServiceCredentials(issuer, "front"));
  const front = await startGrpcServer({
    name: "front",
    host: "127.0.0.1",
    port: 0,
    verifier,
    logger,
    services: [
      bindService(ShopServiceService, {
        ...unimplementedHandlers(ShopServiceService),
        getShop: async (request: GetShopRequest, ctx): Promise<GetShopResponse> => {
          ctx.requireUser();
          await peer.getShop({ shopId: request.shopId }, { deadline: ctx.deadline });
          await peer.getShop({ shopId: request.shopId }, { deadline: ctx.deadline });
          return { shop };
        },
      }),
    ],
  });
  const { token } = await issuer.issueUserToken("u-1", "buyer", 10 * 60_000);
  const child = fork(import.meta.filename, ["client", front.address, token, ...process.argv.slice(2)], { execArgv: process.execArgv, stdio: ["ignore", "ignore", "inherit", "ipc"] });
  let cpu = process.cpuUsage();
  await new Promise<void>((resolve) => {
    child.on("message", (m: { window: "start" } | { window: "end"; calls: number; failed: number }) => {
      if (m.window === "start") cpu = process.cpuUsage();
      else {
        const used = process.cpuUsage(cpu);
        const ms = (used.user + used.system) / 1000;
        process.stderr.write(`rpc-path: ${m.calls} calls (${m.failed} failed), ${(ms / m.calls).toFixed(3)} ms CPU per outside call (user ${(used.user / 1000 / m.calls).toFixed(3)}, system ${(used.system / 1000 / m.calls).toFixed(3)})\n`);
        resolve();
      }
    });
  });
  peer.close();
  await Promise.all([front.shutdown(100), back.shutdown(100)]);
  process.exit(0);
}

async function client(address: string, token: string): Promise<void> {
  const method = ShopServiceService.getShop;
  const raw = new Client(address, credentials.createInsecure());
  // --mesh-client: calls made as the bench's load makes them (createClient of @wms/grpc).
  const meshClient = process.argv.includes("--mesh-client") ? createClient(ShopServiceService, address) : undefined;
  const call = () =>
    meshClient ? meshClient.getShop({ shopId: "s-1" }, { bearerToken: token }).then(() => true, () => false) :
    new Promise<boolean>((resolve) => {
      const md = new Metadata();
      md.set("authorization", `Bearer ${token}`);
      raw.makeUnaryRequest(method.path, method.requestSerialize, method.responseDeserialize, { shopId: "s-1" }, md, { deadline: new Date(Date.now() + 10_000) }, (err) => resolve(!err));
    });
  const warmupMs = flag("warmup", 3) * 1000;
  const windowMs = flag("seconds", 10) * 1000;
  const started = Date.now();
  let phase: "warmup" | "window" | "done" = "warmup";
  let calls = 0;
  let failed = 0;
  const loop = async () => {
    while (phase !== "done") {
      const inWindow = phase === "window";
      const ok = await call();
      if (inWindow && phase === "window") {
        calls += 1;
        if (!ok) failed += 1;
      }
    }
  };
  const loops = Array.from({ length: flag("concurrency", 64) }, loop);
  await new Promise((r) => setTimeout(r, warmupMs - (Date.now() - started)));
  phase = "window";
  process.send!({ window: "start" });
  const cpu = process.cpuUsage();
  await new Promise((r) => setTimeout(r, windowMs));
  phase = "done";
  const used = process.cpuUsage(cpu);
  process.stderr.write(`rpc-path client: ${(((used.user + used.system) / 1000) / calls).toFixed(3)} ms CPU per call\n`);
  process.send!({ window: "end", calls, failed });
  await Promise.all(loops);
  raw.close();
}
