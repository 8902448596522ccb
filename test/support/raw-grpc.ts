import { Client, credentials, Metadata, status as Status, type ServiceError } from "@grpc/grpc-js";
import { create, fromBinary, toBinary, type DescMethod, type MessageInitShape, type DescMessage } from "@bufbuild/protobuf";
import { decodeStatusDetails } from "@wms/errors";
import { descriptorRegistry } from "@wms/proto/descriptors";

export interface RawOutcome {
  /** gRPC status code name: OK, INVALID_ARGUMENT, … */
  code: string;
  message: string;
  reason?: string;
  fields: string[];
  /** The response message as proto3 JSON-ish object (int64 as bigint), when OK. */
  response?: unknown;
  ms: number;
}

/** The descriptor of `Service/Method` (`wms.order.v1.OrderService/Checkout`). */
export function methodOf(path: string): DescMethod {
  const [service, name] = path.split("/");
  const method = descriptorRegistry().getService(service ?? "")?.methods.find((m) => m.name === name);
  if (!method) throw new Error(`no method ${path}`);
  return method;
}

/**
 * Calls any RPC with bytes encoded from the contract's descriptor (int64 as bigint, so values
 * the generated clients cannot even express reach the server), or with raw bytes as given.
 */
export class RawGrpc {
  private readonly clients = new Map<string, Client>();

  async call(address: string, path: string, request: MessageInitShape<DescMessage> | Uint8Array, options: { token?: string; deadlineMs?: number } = {}): Promise<RawOutcome> {
    const method = methodOf(path);
    const bytes = request instanceof Uint8Array ? request : toBinary(method.input, create(method.input, request));
    const md = new Metadata();
    if (options.token) md.set("authorization", `Bearer ${options.token}`);
    const started = performance.now();
    return new Promise((resolve) => {
      this.client(address).makeUnaryRequest(
        `/${path}`,
        (b: Buffer) => b,
        (b: Buffer) => b,
        Buffer.from(bytes),
        md,
        { deadline: new Date(Date.now() + (options.deadlineMs ?? 10_000)) },
        (err: ServiceError | null, response?: Buffer) => {
          const ms = performance.now() - started;
          if (err) {
            const details = decodeStatusDetails(err.metadata);
            resolve({ code: Status[err.code] ?? String(err.code), message: err.details, reason: details.reason, fields: details.fieldViolations.map((v) => v.field), ms });
          } else {
            resolve({ code: "OK", message: "", fields: [], response: response ? fromBinary(method.output, response) : undefined, ms });
          }
        },
      );
    });
  }

  close(): void {
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
  }

  private client(address: string): Client {
    let c = this.clients.get(address);
    if (!c) {
      c = new Client(address, credentials.createInsecure());
      this.clients.set(address, c);
    }
    return c;
  }
}
