import { readFileSync } from "node:fs";
import { fromBinary, create, createFileRegistry, type FileRegistry } from "@bufbuild/protobuf";
import {
  FileDescriptorSetSchema,
  FileDescriptorProtoSchema,
  type FileDescriptorProto,
} from "@bufbuild/protobuf/wkt";
import { toBinary } from "@bufbuild/protobuf";

// The buf image (`npm run generate`) holds every contract and every file it imports, with the
// real names and options: reflection and the gateway read it so nothing is re-declared by hand.
const imagePath = new URL("../descriptors/image.binpb", import.meta.url);

let cached: { files: FileDescriptorProto[]; registry: FileRegistry } | undefined;

function load(): { files: FileDescriptorProto[]; registry: FileRegistry } {
  if (!cached) {
    const set = fromBinary(FileDescriptorSetSchema, readFileSync(imagePath));
    const files = sortByDependency(set.file);
    cached = { files, registry: createFileRegistry(create(FileDescriptorSetSchema, { file: files })) };
  }
  return cached;
}

/** Files ordered so that every file comes after the files it imports. */
function sortByDependency(files: FileDescriptorProto[]): FileDescriptorProto[] {
  const byName = new Map(files.map((f) => [f.name, f]));
  const sorted: FileDescriptorProto[] = [];
  const seen = new Set<string>();
  const visit = (file: FileDescriptorProto): void => {
    if (seen.has(file.name)) return;
    seen.add(file.name);
    for (const dep of file.dependency) {
      const depFile = byName.get(dep);
      if (depFile) visit(depFile);
    }
    sorted.push(file);
  };
  files.forEach(visit);
  return sorted;
}

/** Registry of every message, enum and service of the contracts and their imports. */
export function descriptorRegistry(): FileRegistry {
  return load().registry;
}

/** Serialized FileDescriptorProtos of every file, in dependency order (for server reflection). */
export function serializedFileDescriptors(): Buffer[] {
  return load().files.map((f) => Buffer.from(toBinary(FileDescriptorProtoSchema, f)));
}
