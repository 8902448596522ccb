import { describe, expect, it } from "vitest";
import { decodePgFrontend, decodeRespCommands } from "./counters.js";
import { parseStat, cpuBetween } from "../lib/proc.js";

/** A frontend message: type byte, int32 length (itself included), body. */
const message = (type: string, body: Buffer) => {
  const head = Buffer.alloc(5);
  head.write(type, 0, "latin1");
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
};
const z = (s: string) => Buffer.from(`${s}\0`, "utf8");

describe("decodePgFrontend", () => {
  it("reads a startup message's parameters", () => {
    const body = Buffer.concat([z("user"), z("postgres"), z("application_name"), z("wms-order"), Buffer.from([0])]);
    const head = Buffer.alloc(8);
    head.writeInt32BE(body.length + 8, 0);
    head.writeInt32BE(196608, 4);
    expect(decodePgFrontend(Buffer.concat([head, body]))).toEqual([{ type: "startup", params: { user: "postgres", application_name: "wms-order" } }]);
  });

  it("splits one write into Parse, Describe, Bind, Execute and Sync, with the statement names and text", () => {
    const write = Buffer.concat([
      message("P", Buffer.concat([z("s1"), z("select $1"), Buffer.from([0, 0])])),
      message("D", Buffer.concat([Buffer.from("S"), z("s1")])),
      message("B", Buffer.concat([z(""), z("s1"), Buffer.from([0, 0, 0, 0, 0, 0])])),
      message("E", Buffer.concat([z(""), Buffer.alloc(4)])),
      message("S", Buffer.alloc(0)),
    ]);
    expect(decodePgFrontend(write)).toEqual([
      { type: "parse", statement: "s1", sql: "select $1" },
      { type: "describe", code: "D" },
      { type: "bind", statement: "s1" },
      { type: "execute", code: "E" },
      { type: "sync", code: "S" },
    ]);
  });

  it("reads a simple query", () => {
    expect(decodePgFrontend(message("Q", z("begin")))).toEqual([{ type: "query", sql: "begin" }]);
  });
});

describe("decodeRespCommands", () => {
  it("names every command of a pipelined write", () => {
    expect(decodeRespCommands("*3\r\n$7\r\nevalsha\r\n$2\r\nab\r\n$1\r\n1\r\n*1\r\n$4\r\nPING\r\n")).toEqual(["EVALSHA", "PING"]);
  });
});

describe("parseStat", () => {
  it("reads pid, name, parent and CPU ms from a stat line whose name holds spaces and parentheses", () => {
    const line = "4242 (node (mesh) x) S 4200 4242 4200 0 -1 4194304 100 0 0 0 250 50 0 0 20 0 11 0 1000 100000 5000 rest";
    expect(parseStat(line, 100)).toEqual({ pid: 4242, comm: "node (mesh) x", ppid: 4200, cpuMs: 3000 });
  });

  it("counts a process that appeared in between whole, and only the growth of the others", () => {
    expect(cpuBetween(new Map([[1, 100], [2, 50]]), new Map([[1, 160], [3, 40]]))).toBe(100);
  });
});
