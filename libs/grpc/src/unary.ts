import { Metadata, type Client, type ServiceError } from "@grpc/grpc-js";
import { observeClientCall } from "./call-telemetry.js";
import { callInProcess } from "./in-process.js";
import { FORWARDED_FOR } from "./client-address.js";

/** How one unary method's messages cross the wire (a generated method, or one built from descriptors). */
export interface UnaryMethod<Req, Res> {
  path: string;
  requestSerialize: (value: Req) => Buffer;
  responseDeserialize: (bytes: Buffer) => Res;
}

export interface UnaryCallOptions {
  /** The calling service, as telemetry names it. */
  caller: string;
  /** The address called (`host:port`), for the span's server attributes. */
  target: string;
  deadline: Date;
  /** The `authorization` header value to send, if any (`Bearer …`). */
  authorization?: string | undefined;
  /** The end client's address, sent as `x-forwarded-for` (the gateway, for a REST client). */
  forwardedFor?: string | undefined;
}

/**
 * One outgoing unary call, as every caller in the mesh makes it (the service clients and the
 * gateway): the deadline, the authorization metadata, the CLIENT span with its trace context
 * injected into the metadata, and the duration by status code. Rejects with grpc-js's
 * ServiceError (code, details, trailers) for the caller to translate: the service clients into
 * DomainErrors, the gateway into HTTP. A server of this process answers in-process when
 * in-process calls are on (in-process.ts), with the same outcome as over the wire.
 */
export function unaryCall<Req, Res>(client: Client, method: UnaryMethod<Req, Res>, request: Req, options: UnaryCallOptions): Promise<Res> {
  const metadata = new Metadata();
  if (options.authorization !== undefined) metadata.set("authorization", options.authorization);
  if (options.forwardedFor !== undefined) metadata.set(FORWARDED_FOR, options.forwardedFor);
  return observeClientCall(options.caller, method.path, options.target, metadata, invoke<Req, Res>, client, method, request, metadata, options);
}

function invoke<Req, Res>(client: Client, method: UnaryMethod<Req, Res>, request: Req, metadata: Metadata, options: UnaryCallOptions): Promise<Res> {
  return (
    callInProcess(options.target, method.path, method.requestSerialize, method.responseDeserialize, request, metadata, options.deadline) ??
    new Promise<Res>((resolve, reject) => {
      client.makeUnaryRequest(method.path, method.requestSerialize, method.responseDeserialize, request, metadata, { deadline: options.deadline }, (err: ServiceError | null, response?: Res) => {
        if (err) reject(err);
        else if (response !== undefined) resolve(response);
        else reject(new Error(`${method.path} returned no message`));
      });
    })
  );
}
