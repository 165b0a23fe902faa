import { CairnError } from "@/core/errors";
import type { PromptPassage } from "./prompt";
import { contentTerms, findTermMatches, wordSpans } from "./utils/queryTerms";
import type { Embedder } from "@/models/types";
import type { SearchHit, SearchQuery } from "@/vectorstore/types";

// Instant passage search, no LLM: for /api/search and for machines without a model.

export interface SearchPassagesDeps {
  /** Optional: without an embedder, the search is keyword-only. */
  embedder?: Pick<Embedder, "embed">;
  search: (query: SearchQuery) => Promise<SearchHit[]>;
  documentNames?: (documentIds: string[]) => Promise<Map<string, string>>;
}

export interface Highlight {
  /** Offsets into the passage text (the hit's `text`, not the page). */
  start: number;
  end: number;
}

export interface PassageResult {
  hit: PromptPassage;
  highlights: Highlight[];
}

export interface SearchPassagesInput {
  query: string;
  collections: string[];
  limit?: number;
  deps: SearchPassagesDeps;
}

/** Ranges where the query's words (stemmed, case-insensitive, whole words) occur in `text`. */
export function highlightRanges(text: string, query: string): Highlight[] {
  // A query of only common words ("the end") still highlights them.
  const content = contentTerms(query);
  const terms = content.length ? content : wordSpans(query).map((w) => w.term);
  return findTermMatches(text, terms).map(({ start, end }) => ({ start, end }));
}

export async function searchPassages(input: SearchPassagesInput): Promise<PassageResult[]> {
  const query = input.query.trim();
  if (query === "") throw new CairnError("bad_request:search", "Please type something to search for.", { reason: "empty_query" });
  if (input.collections.length === 0) return [];
  const { deps } = input;
  const vector = deps.embedder ? (await deps.embedder.embed([query]))[0] : undefined;
  const hits = await deps.search({
    query,
    vector,
    collections: input.collections,
    limit: input.limit ?? 20,
    mode: vector ? "hybrid" : "keyword",
  });
  const names = deps.documentNames && hits.length ? await deps.documentNames([...new Set(hits.map((h) => h.documentId))]) : undefined;
  return hits.map((h) => ({
    hit: { ...h, fileName: names?.get(h.documentId) },
    highlights: highlightRanges(h.text, query),
  }));
}
