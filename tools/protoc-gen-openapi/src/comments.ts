import { getComments } from "@bufbuild/protoplugin";

type Commented = Parameters<typeof getComments>[0];

/** A descriptor's leading and trailing comments as Markdown text ("" when it has none). */
export function describe(desc: Commented): string {
  const { leading, trailing } = getComments(desc);
  return [leading, trailing]
    .filter((c): c is string => c !== undefined)
    .map((c) =>
      c
        .split("\n")
        .map((line) => line.replace(/^ /, "").trimEnd())
        .join("\n")
        .trim(),
    )
    .filter(Boolean)
    .join("\n\n");
}

/** The first sentence of a comment, for an operation's one-line summary. */
export function firstSentence(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  const end = flat.search(/\.(\s|$)/);
  return end < 0 ? flat : flat.slice(0, end + 1);
}
