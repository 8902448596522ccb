import { Client, credentials, Metadata, type ServiceError } from "@grpc/grpc-js";
import { create, createFileRegistry, fromBinary, fromJson, toBinary, toJson, type FileRegistry, type JsonValue } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema, FileDescriptorSetSchema, type FileDescriptorProto } from "@bufbuild/protobuf/wkt";
import { BinaryReader, BinaryWriter } from "@bufbuild/protobuf/wire";

/**
 * A gRPC client that knows nothing of our contracts: no .proto file, no generated code. It
 * speaks grpc.reflection.v1 by its wire format (written out below from the published spec),
 * builds a descriptor registry only from what the server's reflection returns, and calls
 * methods with proto3 JSON, as grpcurl or Postman would.
 */
const REFLECTION_METHOD = "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo";

/** ServerReflectionRequest: file_by_filename = 3, file_containing_symbol = 4, list_services = 7. */
type ReflectionRequest = { fileByFilename: string } | { fileContainingSymbol: string } | { listServices: true };

interface ReflectionResponse {
  services: string[];
  files: Uint8Array[];
  error?: { code: number; message: string };
}

function encodeRequest(request: ReflectionRequest): Buffer {
  const writer = new BinaryWriter();
  if ("fileByFilename" in request) writer.tag(3, 2).string(request.fileByFilename);
  else if ("fileContainingSymbol" in request) writer.tag(4, 2).string(request.fileContainingSymbol);
  else writer.tag(7, 2).string("");
  return Buffer.from(writer.finish());
}

/**
 * ServerReflectionResponse: file_descriptor_response = 4 {repeated bytes file_descriptor_proto = 1},
 * list_services_response = 6 {repeated ServiceResponse service = 1 {string name = 1}},
 * error_response = 7 {int32 error_code = 1, string error_message = 2}.
 */
function decodeResponse(bytes: Uint8Array): ReflectionResponse {
  const out: ReflectionResponse = { services: [], files: [] };
  const reader = new BinaryReader(bytes);
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 4) {
      eachField(reader.bytes(), (r, f) => (f === 1 ? out.files.push(r.bytes()) : false));
    } else if (field === 6) {
      eachField(reader.bytes(), (r, f) => (f === 1 ? eachField(r.bytes(), (s, g) => (g === 1 ? out.services.push(s.string()) : false)) : false));
    } else if (field === 7) {
      const error = { code: 0, message: "" };
      eachField(reader.bytes(), (r, f) => (f === 1 ? (error.code = r.int32()) : f === 2 ? (error.message = r.string()) : false));
      out.error = error;
    } else {
      reader.skip(wireType);
    }
  }
  return out;
}

/** Reads every field of a nested message; `read` returns false for fields it does not take. */
function eachField(bytes: Uint8Array, read: (reader: BinaryReader, field: number) => unknown): void {
  const reader = new BinaryReader(bytes);
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (read(reader, field) === false) reader.skip(wireType);
  }
}

export class ReflectionOnlyClient {
  private readonly client: Client;

  constructor(address: string) {
    this.client = new Client(address, credentials.createInsecure());
  }

  private ask(request: ReflectionRequest): Promise<ReflectionResponse> {
    const stream = this.client.makeBidiStreamRequest(REFLECTION_METHOD, (b: Buffer) => b, (b: Buffer) => b, new Metadata(), {
      deadline: new Date(Date.now() + 10_000),
    });
    return new Promise((resolve, reject) => {
      stream.on("data", (bytes: Buffer) => {
        const response = decodeResponse(bytes);
        stream.end();
        if (response.error) reject(new Error(`reflection error ${response.error.code}: ${response.error.message}`));
        else resolve(response);
      });
      stream.on("error", reject);
      stream.write(encodeRequest(request));
    });
  }

  async listServices(): Promise<string[]> {
    return (await this.ask({ listServices: true })).services;
  }

  /**
   * A registry holding the file that declares `symbol` and every file it imports, fetched by
   * name one by one as grpcurl does.
   */
  async registryFor(symbol: string): Promise<{ registry: FileRegistry; fileName: string }> {
    const files = new Map<string, FileDescriptorProto>();
    const decode = (bytes: Uint8Array[]): FileDescriptorProto[] => bytes.map((b) => fromBinary(FileDescriptorProtoSchema, b));
    const [root, ...rest] = decode((await this.ask({ fileContainingSymbol: symbol })).files);
    if (!root) throw new Error(`reflection returned no file for ${symbol}`);
    const queue = [root, ...rest];
    while (queue.length > 0) {
      const file = queue.shift()!;
      if (files.has(file.name)) continue;
      files.set(file.name, file);
      for (const dep of file.dependency) {
        if (!files.has(dep)) queue.push(...decode((await this.ask({ fileByFilename: dep })).files));
      }
    }
    // A set in dependency order: createFileRegistry(root, resolve) adds files in an order that
    // breaks on shared imports (user.proto and the shop.proto it imports both import
    // google/api/annotations.proto), so the order is worked out here, as grpcurl's library does.
    const ordered: FileDescriptorProto[] = [];
    const placed = new Set<string>();
    const place = (name: string): void => {
      const file = files.get(name);
      if (!file) throw new Error(`reflection never returned ${name}`);
      if (placed.has(name)) return;
      placed.add(name);
      for (const dep of file.dependency) place(dep);
      ordered.push(file);
    };
    place(root.name);
    return { registry: createFileRegistry(create(FileDescriptorSetSchema, { file: ordered })), fileName: root.name };
  }

  /** Calls `service/method` with a proto3 JSON request; the response comes back as proto3 JSON. */
  async call(registry: FileRegistry, service: string, method: string, request: JsonValue, token?: string): Promise<JsonValue> {
    const desc = registry.getService(service)?.methods.find((m) => m.name === method);
    if (!desc) throw new Error(`${service}/${method} is not in the reflected descriptors`);
    const message = fromJson(desc.input, request, { registry });
    const metadata = new Metadata();
    if (token) metadata.set("authorization", `Bearer ${token}`);
    const bytes = await new Promise<Buffer>((resolve, reject) =>
      this.client.makeUnaryRequest(
        `/${service}/${method}`,
        (b: Buffer) => b,
        (b: Buffer) => b,
        Buffer.from(toBinary(desc.input, message)),
        metadata,
        { deadline: new Date(Date.now() + 10_000) },
        (err: ServiceError | null, value?: Buffer) => (err ? reject(err) : resolve(value ?? Buffer.alloc(0))),
      ),
    );
    return toJson(desc.output, fromBinary(desc.output, bytes), { registry });
  }

  close(): void {
    this.client.close();
  }
}
