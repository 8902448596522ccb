import { connect, type ClientHttp2Session, type IncomingHttpHeaders } from "node:http2";

/** A gRPC call that ended with a status other than OK. */
export class GrpcCallFailed extends Error {
  constructor(
    readonly code: number,
    readonly grpcMessage: string,
  ) {
    super(`gRPC status ${code}: ${grpcMessage}`);
  }
}

/**
 * A load generator's unary gRPC client: one HTTP/2 connection per address, one stream per call, the request
 * framed by hand (1 byte uncompressed, 4 bytes length, the message), the answer's status read
 * from its trailers (or headers, for a trailers-only answer). It does only what h2load or ghz do,
 * so it takes a fraction of a full client's CPU (grpc-js builds interceptors, metadata, status
 * objects and timers per call) from the cores the mesh and PostgreSQL share with it, as pgbench
 * takes little from them on the baseline's side.
 */
export function leanUnaryClient(addresses: string): { call(path: string, message: Uint8Array, headers: Record<string, string>): Promise<Buffer>; close(): void } {
  // A service's replicas come comma-separated (the multi-process mesh): calls go round robin, as
  // the mesh's own clients balance them.
  const targets = addresses.split(",").map((a) => a.trim());
  const sessions: Array<ClientHttp2Session | undefined> = targets.map(() => undefined);
  let next = 0;
  const open = (): ClientHttp2Session => {
    const i = next++ % targets.length;
    let session = sessions[i];
    if (!session || session.closed || session.destroyed) {
      session = connect(`http://${targets[i]}`);
      session.on("error", () => undefined); // each stream reports its own failure
      sessions[i] = session;
    }
    return session;
  };
  return {
    call(path, message, headers) {
      return new Promise((resolve, reject) => {
        const stream = open().request({ ":method": "POST", ":path": path, "content-type": "application/grpc", te: "trailers", ...headers });
        const chunks: Buffer[] = [];
        let status: IncomingHttpHeaders | undefined;
        stream.on("response", (h) => {
          if (h["grpc-status"] !== undefined) status = h; // trailers-only: an error without a body
        });
        stream.on("trailers", (t) => (status = t));
        stream.on("data", (chunk: Buffer) => chunks.push(chunk));
        stream.on("error", reject);
        stream.on("close", () => {
          const code = Number(status?.["grpc-status"] ?? 2);
          if (code !== 0) return reject(new GrpcCallFailed(code, decodeURIComponent(String(status?.["grpc-message"] ?? "no status"))));
          const body = Buffer.concat(chunks);
          resolve(body.subarray(5, 5 + body.readUInt32BE(1)));
        });
        const frame = Buffer.allocUnsafe(5 + message.length);
        frame[0] = 0;
        frame.writeUInt32BE(message.length, 1);
        frame.set(message, 5);
        stream.end(frame);
      });
    },
    close: () => sessions.forEach((s) => s?.close()),
  };
}
