import { config } from "@/core/config";
import { openDb } from "@/core/db";
import { keywordSearchableDocuments, listKeywordPassages, searchKeywordPassages, type KeywordPassageRow } from "@/core/db/queries";
import { isCairnError } from "@/core/errors";
import { getEmbedder } from "@/models";
import { resolveModelFile } from "@/models/registry";
import type { Embedder } from "@/models/types";
import { reciprocalRankFusion } from "@/vectorstore/rrf";
import type { SearchHit, SearchQuery } from "@/vectorstore/types";
import { getVectorStore } from "./store";
import { isContentWord } from "./utils/queryTerms";

// Searchable before embedded: passages of documents that are parsed but not (yet) in the vector
// store — no embedder installed, or vectors still being computed — found by BM25 in SQLite.

const db = () => openDb(config().dbPath);
const MAX_TERMS = 32;

/** Content words of a query, compounds kept whole ("P-101" is a phrase to FTS5, not "101" alone). */
export function ftsTerms(query: string): string[] {
  const words = query.normalize("NFKC").toLowerCase().match(/[\p{L}\p{N}]+(?:[-_./'’][\p{L}\p{N}]+)*/gu) ?? [];
  return [...new Set(words.filter(isContentWord))].slice(0, MAX_TERMS);
}

/** A SearchQuery against keyword passages (collection filter inside the SQL), as SearchHits. */
export function searchKeywordPassageHits(q: SearchQuery): SearchHit[] {
  const rows = searchKeywordPassages(db(), ftsTerms(q.query), q.collections, q.limit ?? 20);
  const wanted = q.documents ? new Set(q.documents) : null;
  return rows
    .filter((r) => !wanted || wanted.has(r.documentId))
    .map((r, i) => ({ ...r, keywordRank: i + 1, keywordScore: r.score }));
}

/** A document's keyword passages in order; empty once it is in the vector store. */
export function keywordPassagesOf(documentId: string): KeywordPassageRow[] {
  return listKeywordPassages(db(), documentId);
}

/** Which of these documents can be found by keyword before their vectors exist. */
export function keywordSearchable(documentIds: string[]): Set<string> {
  return keywordSearchableDocuments(db(), documentIds);
}

/**
 * What passage search runs on: with an embedder, hybrid search in the vector store fused (by rank)
 * with keyword passages of documents not embedded yet; without one, keyword passages alone, so
 * uploads are findable before any model is installed.
 */
export async function passageSearchDeps(): Promise<{ embedder?: Embedder; search: (q: SearchQuery) => Promise<SearchHit[]> }> {
  const pendingOnly = async (q: SearchQuery) => searchKeywordPassageHits({ ...q, mode: "keyword" });
  if (!embedderInstalled()) return { search: pendingOnly };
  const [embedder, store] = await Promise.all([getEmbedder(), getVectorStore()]);
  return {
    embedder,
    search: async (q) => {
      const indexed = await store.hybridSearch(q);
      const pending = q.mode === "vector" ? [] : searchKeywordPassageHits(q);
      if (pending.length === 0) return indexed;
      const byId = new Map([...indexed, ...pending].map((h) => [h.id, h]));
      return reciprocalRankFusion([indexed.map((h) => h.id), pending.map((h) => h.id)])
        .slice(0, q.limit ?? 20)
        .map((f) => ({ ...byId.get(f.key)!, score: f.score }));
    },
  };
}

function embedderInstalled(): boolean {
  if (config().embedUrl) return true;
  try {
    return resolveModelFile("embedder") !== null;
  } catch (e) {
    // A setting naming a missing file: the store's own error says so when it is opened.
    if (isCairnError(e)) return true;
    throw e;
  }
}
