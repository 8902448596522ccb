import { credentials, loadPackageDefinition, type Client, type ServiceError, type GrpcObject, type ServiceClientConstructor } from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fromBinary } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema, type FileDescriptorProto } from "@bufbuild/protobuf/wkt";

// Independent clients for the two standard services every port must serve: they load the
// upstream .proto files, so they check the server against the standard, not against our code.
const require = createRequire(import.meta.url);
const reflectionProto = join(dirname(require.resolve("@grpc/reflection")), "../proto/grpc/reflection/v1/reflection.proto");
const healthProto = join(dirname(require.resolve("grpc-health-check")), "../../proto/health/v1/health.proto");

function serviceCtor(protoPath: string, path: string[]): ServiceClientConstructor {
  const loaded = loadPackageDefinition(loadSync(protoPath, { keepCase: true, longs: String, enums: String, defaults: true }));
  let node: GrpcObject | ServiceClientConstructor = loaded;
  for (const part of path) node = (node as GrpcObject)[part] as GrpcObject | ServiceClientConstructor;
  return node as ServiceClientConstructor;
}

export async function healthCheck(address: string, service = ""): Promise<string> {
  const Ctor = serviceCtor(healthProto, ["grpc", "health", "v1", "Health"]);
  const client = new Ctor(address, credentials.createInsecure()) as unknown as Client & {
    check(req: { service: string }, opts: { deadline: Date }, cb: (e: ServiceError | null, r: { status: string }) => void): void;
  };
  try {
    return await new Promise((resolve, reject) =>
      client.check({ service }, { deadline: new Date(Date.now() + 5000) }, (err, res) => (err ? reject(err) : resolve(res.status))),
    );
  } finally {
    client.close();
  }
}

interface ReflectionResponse {
  list_services_response?: { service: Array<{ name: string }> };
  file_descriptor_response?: { file_descriptor_proto: Buffer[] };
  error_response?: { error_code: number; error_message: string };
}

/** A reflection v1 session: what grpcurl does for `list`, `describe` and calls. */
export class ReflectionClient {
  private readonly client: Client & { ServerReflectionInfo(): NodeJS.ReadWriteStream & { write(m: unknown): boolean; end(): void } };

  constructor(address: string) {
    const Ctor = serviceCtor(reflectionProto, ["grpc", "reflection", "v1", "ServerReflection"]);
    this.client = new Ctor(address, credentials.createInsecure()) as never;
  }

  private async ask(request: Record<string, unknown>): Promise<ReflectionResponse> {
    const stream = this.client.ServerReflectionInfo();
    return new Promise((resolve, reject) => {
      stream.on("data", (msg: ReflectionResponse) => {
        resolve(msg);
        stream.end();
      });
      stream.on("error", reject);
      stream.write(request);
    });
  }

  async listServices(): Promise<string[]> {
    const res = await this.ask({ list_services: "" });
    return (res.list_services_response?.service ?? []).map((s) => s.name);
  }

  async fileContainingSymbol(symbol: string): Promise<FileDescriptorProto[]> {
    return this.files(await this.ask({ file_containing_symbol: symbol }));
  }

  async fileByFilename(name: string): Promise<FileDescriptorProto[]> {
    return this.files(await this.ask({ file_by_filename: name }));
  }

  private files(res: ReflectionResponse): FileDescriptorProto[] {
    if (res.error_response) throw new Error(`reflection error ${res.error_response.error_code}: ${res.error_response.error_message}`);
    return (res.file_descriptor_response?.file_descriptor_proto ?? []).map((b) => fromBinary(FileDescriptorProtoSchema, b));
  }

  /** Every file the symbol's file imports, transitively, fetched by name as grpcurl would. */
  async resolveAll(symbol: string): Promise<Map<string, FileDescriptorProto>> {
    const seen = new Map<string, FileDescriptorProto>();
    const queue = await this.fileContainingSymbol(symbol);
    while (queue.length > 0) {
      const file = queue.shift()!;
      if (seen.has(file.name)) continue;
      seen.set(file.name, file);
      for (const dep of file.dependency) if (!seen.has(dep)) queue.push(...(await this.fileByFilename(dep)));
    }
    return seen;
  }

  close(): void {
    this.client.close();
  }
}
