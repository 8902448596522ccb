import { describe, expect, it } from "vitest";
import { create, toBinary, ScalarType, type DescField, type DescMessage, type Message } from "@bufbuild/protobuf";
import { reflect, type ReflectMessage } from "@bufbuild/protobuf/reflect";
import type { ServiceDefinition } from "@grpc/grpc-js";
import { descriptorRegistry } from "@wms/proto/descriptors";
import { fullServiceNames as serviceNames } from "@wms/proto/services";
import { UserServiceService } from "@wms/proto/user";
import { ShopServiceService } from "@wms/proto/shop";
import { ProductServiceService } from "@wms/proto/product";
import { WarehouseServiceService } from "@wms/proto/warehouse";
import { OrderServiceService } from "@wms/proto/order";
import { guardDeserializer, RefusedRequest } from "./request-guard.js";

// The generated definitions the servers run with: the guard must wrap their own decoders.
const definitions: Record<string, ServiceDefinition> = {
  [serviceNames.user]: UserServiceService,
  [serviceNames.shop]: ShopServiceService,
  [serviceNames.product]: ProductServiceService,
  [serviceNames.warehouse]: WarehouseServiceService,
  [serviceNames.order]: OrderServiceService,
};

interface Leaf {
  /** Proto-name path, as the field violation must name it. */
  path: string;
  /** Sets the leaf (creating one list element on the way) in a fresh request. */
  set(value: string | bigint): Message;
  kind: "text" | "int64";
}

const INT64 = new Set([ScalarType.INT64, ScalarType.SINT64, ScalarType.SFIXED64, ScalarType.UINT64, ScalarType.FIXED64]);

/** Every text and int64 field reachable in a request, through nested and repeated messages. */
function leaves(input: DescMessage): Leaf[] {
  const out: Leaf[] = [];
  const visit = (desc: DescMessage, prefix: string, reach: (root: ReflectMessage) => ReflectMessage, depth: number): void => {
    if (depth > 4) return;
    for (const field of desc.fields) {
      const kind = leafKind(field);
      const path = `${prefix}${field.name}${field.fieldKind === "list" ? "[0]" : ""}`;
      if (kind) {
        out.push({
          path,
          kind,
          set: (value) => {
            const root = reflect(input, create(input));
            const target = reach(root);
            if (field.fieldKind === "list") target.get(field).add(value);
            else target.set(field, value);
            return root.message;
          },
        });
      }
      const nested = field.fieldKind === "message" ? field.message : field.fieldKind === "list" && field.listKind === "message" ? field.message : undefined;
      if (nested && !nested.typeName.startsWith("google.protobuf.")) {
        visit(nested, `${path}.`, (root) => {
          const parent = reach(root);
          const child = reflect(nested, create(nested));
          if (field.fieldKind === "list") parent.get(field).add(child);
          else parent.set(field, child);
          return child;
        }, depth + 1);
      }
    }
  };
  visit(input, "", (root) => root, 0);
  return out;
}

function leafKind(field: DescField): Leaf["kind"] | undefined {
  const scalar = field.fieldKind === "scalar" ? field.scalar : field.fieldKind === "list" && field.listKind === "scalar" ? field.scalar : undefined;
  if (scalar === ScalarType.STRING) return "text";
  if (scalar !== undefined && INT64.has(scalar)) return "int64";
  return undefined;
}

const rpcs = Object.entries(definitions).flatMap(([service, definition]) => {
  const desc = descriptorRegistry().getService(service);
  if (!desc) throw new Error(`${service} missing from the image`);
  return desc.methods.map((method) => {
    const generated = Object.values(definition).find((m) => m.path === `/${service}/${method.name}`);
    if (!generated) throw new Error(`${method.name} missing from the generated ${service}`);
    return { rpc: `${method.parent.name}.${method.name}`, input: method.input, decode: guardDeserializer(method.input, generated.requestDeserialize) };
  });
});

const cases = rpcs.flatMap((rpc) => leaves(rpc.input).map((leaf) => ({ ...rpc, leaf, name: `${rpc.rpc} ${leaf.path}` })));

function refusal(result: unknown): { fields: string[]; kind: string } {
  expect(result, "the request was not refused").toBeInstanceOf(RefusedRequest);
  const error = (result as RefusedRequest).error;
  return { fields: error.fieldViolations.map((v) => v.field), kind: error.kind };
}

describe("the request guard covers every field of every RPC", () => {
  it("found the fields (a vacuous table would prove nothing)", () => {
    expect(rpcs.length).toBeGreaterThanOrEqual(25);
    expect(cases.filter((c) => c.leaf.kind === "text").length).toBeGreaterThanOrEqual(40);
    expect(cases.filter((c) => c.leaf.kind === "int64").map((c) => c.name)).toEqual(
      expect.arrayContaining(["OrderService.Checkout items[0].quantity", "ProductService.CreateProduct price_cents", "WarehouseService.AddStock quantity"]),
    );
  });

  const text = cases.filter((c) => c.leaf.kind === "text");
  it.each(text)("$name: a NUL or an escape character is INVALID_ARGUMENT on that field", ({ input, leaf, decode }) => {
    for (const bad of ["a\u0000b", "\u001b[2J", "x\u0085"]) {
      const result = decode(Buffer.from(toBinary(input, leaf.set(bad))));
      expect(refusal(result)).toEqual({ fields: [leaf.path], kind: "INVALID_ARGUMENT" });
    }
    expect(decode(Buffer.from(toBinary(input, leaf.set("ordinary text, ünïcødé ✓"))))).not.toBeInstanceOf(RefusedRequest);
  });

  const int64 = cases.filter((c) => c.leaf.kind === "int64");
  it.each(int64)("$name: beyond ±(2^53 − 1) is INVALID_ARGUMENT on that field, not a rounding", ({ input, leaf, decode }) => {
    for (const bad of [2n ** 53n, -(2n ** 53n), 2n ** 63n - 1n, -(2n ** 63n)]) {
      expect(refusal(decode(Buffer.from(toBinary(input, leaf.set(bad)))))).toEqual({ fields: [leaf.path], kind: "INVALID_ARGUMENT" });
    }
    const edge = decode(Buffer.from(toBinary(input, leaf.set(2n ** 53n - 1n))));
    expect(edge).not.toBeInstanceOf(RefusedRequest);
    expect(JSON.stringify(edge)).toContain(String(Number.MAX_SAFE_INTEGER));
  });

  it("allows line breaks in prose fields only", () => {
    const create = rpcs.find((r) => r.rpc === "ProductService.CreateProduct")!;
    const withBreaks = (name: string, description: string) =>
      create.decode(Buffer.from(toBinary(create.input, reflectWith(create.input, { name, description }))));
    expect(withBreaks("Lamp", "line one\nline two\ttabbed")).not.toBeInstanceOf(RefusedRequest);
    expect(refusal(withBreaks("La\nmp", "")).fields).toEqual(["name"]);
    expect(refusal(withBreaks("Lamp", "NUL\u0000")).fields).toEqual(["description"]);
  });

  it("answers malformed bytes with INVALID_ARGUMENT instead of throwing", () => {
    for (const rpc of rpcs) {
      for (const bytes of [Buffer.from([0xff, 0xff, 0xff]), Buffer.from([0x0a, 0x7f]), Buffer.from([0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01])]) {
        const result = rpc.decode(bytes);
        expect(result, `${rpc.rpc} decoded garbage`).toBeInstanceOf(RefusedRequest);
        expect((result as RefusedRequest).error.kind).toBe("INVALID_ARGUMENT");
      }
    }
  });

  it("refuses text longer than any field allows", () => {
    const login = rpcs.find((r) => r.rpc === "UserService.Login")!;
    const result = login.decode(Buffer.from(toBinary(login.input, reflectWith(login.input, { login: "x".repeat(10_001) }))));
    expect(refusal(result).fields).toEqual(["login"]);
  });
});

function reflectWith(desc: DescMessage, values: Record<string, string>): Message {
  const r = reflect(desc, create(desc));
  for (const [name, value] of Object.entries(values)) {
    const field = desc.fields.find((f) => f.name === name);
    if (!field) throw new Error(`${desc.typeName} has no ${name}`);
    r.set(field, value);
  }
  return r.message;
}
