import { create, createFileRegistry, type DescFile } from "@bufbuild/protobuf";
import {
  CodeGeneratorResponseSchema,
  CodeGeneratorResponse_Feature,
  FileDescriptorSetSchema,
  type CodeGeneratorRequest,
} from "@bufbuild/protobuf/wkt";
import { runNodeJs } from "@bufbuild/protoplugin";
import { openApiDocument, type DocumentOptions } from "./document.js";

// protoc-gen-openapi: a local buf plugin (buf.gen.yaml) writing one `openapi.json` for every
// file it is asked to generate. Options: title=…, version=…, error_details=A+B (message names).
runNodeJs({
  name: "protoc-gen-openapi",
  version: "v0.1.0",
  run(request: CodeGeneratorRequest) {
    const registry = createFileRegistry(create(FileDescriptorSetSchema, { file: request.protoFile }));
    const files = request.fileToGenerate.map((name): DescFile => {
      const file = registry.getFile(name);
      if (!file) throw new Error(`${name} is not in the request`);
      return file;
    });
    const document = openApiDocument(registry, files, parseOptions(request.parameter));
    return create(CodeGeneratorResponseSchema, {
      supportedFeatures: BigInt(CodeGeneratorResponse_Feature.PROTO3_OPTIONAL),
      file: [{ name: "openapi.json", content: `${JSON.stringify(document, null, 2)}\n` }],
    });
  },
});

function parseOptions(parameter: string): DocumentOptions {
  const options: DocumentOptions = { title: "API", version: "0.0.0", errorDetails: [] };
  for (const pair of parameter.split(",").filter(Boolean)) {
    const [key = "", value = ""] = pair.split("=", 2);
    if (key === "title") options.title = value;
    else if (key === "version") options.version = value;
    else if (key === "error_details") options.errorDetails = value.split("+").filter(Boolean);
    else throw new Error(`unknown option ${JSON.stringify(key)}`);
  }
  return options;
}
