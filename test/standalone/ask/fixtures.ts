import type { SearchHit } from "@/vectorstore/types";

/** Deterministic stand-in for a tokenizer: one token per whitespace-separated word. */
export const countWords = (text: string) => text.split(/\s+/).filter(Boolean).length;

let next = 0;
export function hit(text: string, extra: Partial<SearchHit> & { fileName?: string } = {}): SearchHit & { fileName?: string } {
  next++;
  return {
    id: `chunk-${next}`,
    documentId: `doc-${next}`,
    collectionId: "col-a",
    documentSha256: "0".repeat(64),
    ordinal: 0,
    page: 1,
    headingPath: "",
    charStart: 0,
    charEnd: text.length,
    tokenCount: countWords(text),
    text,
    score: 1 / next,
    ...extra,
  };
}

/** n words, distinct per call so passages never count as duplicates. */
export function words(n: number, tag: string): string {
  return Array.from({ length: n }, (_, i) => `${tag}${i}`).join(" ");
}
