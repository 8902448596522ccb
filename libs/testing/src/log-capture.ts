import { Writable } from "node:stream";

/** A stream for a logger to write to, and what it wrote: each JSON line parsed, or all of it as text. */
export function captureLog(): { stream: Writable; records: () => Array<Record<string, unknown>>; raw: () => string } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString().split("\n").filter(Boolean));
      done();
    },
  });
  return { stream, records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>), raw: () => lines.join("\n") };
}
