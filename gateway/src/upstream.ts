import { Client, credentials, type ServiceError } from "@grpc/grpc-js";
import { fromBinary, toBinary, type DescMethod, type Message } from "@bufbuild/protobuf";
import { channelOptions, channelTarget, unaryCall, type UnaryMethod } from "@wms/grpc";

const DEFAULT_DEADLINE_MS = 10_000;

/**
 * One grpc-js channel per upstream (balanced round-robin over its replicas), reused for every request. Messages cross as
 * bytes from the dynamic descriptors, so no generated client is involved.
 */
export class UpstreamClients {
  private readonly clients = new Map<string, Client>();

  constructor(private readonly deadlineMs = DEFAULT_DEADLINE_MS) {}

  /**
   * Calls `method` on `address`; rejects with the grpc-js ServiceError (code, details, trailers).
   * `forwardedFor`, the REST client's address, travels as `x-forwarded-for` (login throttling).
   */
  call(address: string, method: DescMethod, request: Message, authorization: string | undefined, deadlineMs = this.deadlineMs, forwardedFor?: string): Promise<Message> {
    const wire: UnaryMethod<Message, Message> = {
      path: `/${method.parent.typeName}/${method.name}`,
      requestSerialize: (value) => Buffer.from(toBinary(method.input, value)),
      responseDeserialize: (bytes) => fromBinary(method.output, bytes),
    };
    return unaryCall(this.client(address), wire, request, { caller: "gateway", target: address, deadline: new Date(Date.now() + deadlineMs), authorization, forwardedFor });
  }

  close(): void {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }

  private client(address: string): Client {
    let client = this.clients.get(address);
    if (!client) {
      client = new Client(channelTarget(address), credentials.createInsecure(), channelOptions);
      this.clients.set(address, client);
    }
    return client;
  }
}

/** A failed call's gRPC status, as grpc-js reports it (a numeric code and the status message). */
export function isServiceError(err: unknown): err is ServiceError {
  return err instanceof Error && typeof (err as Partial<ServiceError>).code === "number" && "metadata" in err;
}
