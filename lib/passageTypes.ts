import type { SearchHit } from "@/vectorstore/types";

// The passages an answer is built from, as every step sees them (packing, citations, checks).
// Kept apart from lib/prompt.ts, which uses those steps: the checks import these types, not it.

/** A search hit with the file name it came from (names live in the metadata db). */
export type PromptPassage = SearchHit & {
  fileName?: string;
  /** Set when the passage was trimmed to fit the time budget: the whole chunk (page-text offsets, text). */
  trimmedFrom?: { charStart: number; charEnd: number; text: string };
};

export interface UsedPassage {
  n: number;
  hit: PromptPassage;
}
