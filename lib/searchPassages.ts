import { CairnError } from "@/core/errors";
import type { DocumentContextRow } from "@/core/db/queries";
import { clauseRankedQuery, NARROWED_RANKING, type NarrowedRanking } from "./clauseTopics";

export { NARROWED_RANKING, type NarrowedRanking };
import { boostByHeading } from "./headingBoost";
import { findNamedDocuments, searchNamed, withoutNames, type NamedDocument } from "./namedDocuments";
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
  /** What the readable documents are known by (name, title, parties): given, a question naming documents searches those. */
  catalog?: (collections: string[]) => readonly DocumentContextRow[];
  /**
   * Weight of section-heading matches when reordering a named document's candidates (lib/headingBoost);
   * 0, the default, keeps the store's order: on the retrieval dev set it gained nothing once the
   * narrowed query drops the names (agreements hit@1 0.61 without, 0.60 with HEADING_WEIGHT).
   */
  headingWeight?: number;
  /** False: a narrowed search still searches the words that named the document (lib/namedDocuments withoutNames). */
  stripNames?: boolean;
  /** How a search narrowed to named documents ranks their passages (defaults: NARROWED_RANKING). */
  narrowedRanking?: Partial<NarrowedRanking>;
}


/** Candidates fetched per result list before the heading boost reorders them. */
const RERANK_POOL = 30;

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
  /** Search every readable document even when the question names some. */
  widen?: boolean;
}

export interface ScopedPassages {
  results: PassageResult[];
  /** The documents the question named and the search was narrowed to (empty: all documents). */
  narrowedTo: NamedDocument[];
  /** The documents the question names, narrowed to or not (`widen`). */
  named: NamedDocument[];
}

/** Ranges where the query's words (stemmed, case-insensitive, whole words) occur in `text`. */
export function highlightRanges(text: string, query: string): Highlight[] {
  // A query of only common words ("the end") still highlights them.
  const content = contentTerms(query);
  const terms = content.length ? content : wordSpans(query).map((w) => w.term);
  return findTermMatches(text, terms).map(({ start, end }) => ({ start, end }));
}

export async function searchPassages(input: SearchPassagesInput): Promise<PassageResult[]> {
  return (await searchPassagesScoped(input)).results;
}

/** As searchPassages, narrowed to the documents the question names (unless `widen`), saying which. */
export async function searchPassagesScoped(input: SearchPassagesInput): Promise<ScopedPassages> {
  const query = input.query.trim();
  if (query === "") throw new CairnError("bad_request:search", "Please type something to search for.", { reason: "empty_query" });
  if (input.collections.length === 0) return { results: [], narrowedTo: [], named: [] };
  const { deps } = input;
  const named = deps.catalog ? findNamedDocuments(query, deps.catalog(input.collections)) : [];
  const narrowedTo = input.widen ? [] : named;
  // Narrowed, the names are in every passage's header: search the clause topic.
  const text = narrowedTo.length && deps.stripNames !== false ? withoutNames(query, narrowedTo.flatMap((d) => d.matched)) : query;
  const vector = deps.embedder ? (await deps.embedder.embed([text]))[0] : undefined;
  const q: SearchQuery = { query: text, vector, collections: input.collections, limit: input.limit ?? 20, mode: vector ? "hybrid" : "keyword" };
  // A question about a clause type of a named agreement: keyword-first, with the clause's words.
  const ranked = narrowedTo.length ? clauseRankedQuery(q, query, deps.narrowedRanking) : { q, order: (hs: SearchHit[]) => hs, pool: 0 };
  const weight = deps.headingWeight ?? 0;
  const order = (hs: SearchHit[]) => ranked.order(boostByHeading(hs, query, narrowedTo.flatMap((d) => d.matched), weight));
  const pool = Math.max(weight > 0 ? RERANK_POOL : 0, ranked.pool, q.limit!);
  // Headings reorder passages within a named document only: across documents, another agreement's
  // "Governing Law" heading is exactly the wrong passage a question naming its parties must not get.
  const hits = narrowedTo.length ? await searchNamed(deps.search, ranked.q, narrowedTo, { order, pool }) : await deps.search(q);
  const names = deps.documentNames && hits.length ? await deps.documentNames([...new Set(hits.map((h) => h.documentId))]) : undefined;
  const results = hits.map((h) => ({
    hit: { ...h, fileName: names?.get(h.documentId) },
    highlights: highlightRanges(h.text, query),
  }));
  return { results, narrowedTo, named };
}
