import type { Table } from "@lancedb/lancedb";
import { CairnError } from "@/core/errors";
import { reciprocalRankFusion, RRF_K } from "./rrf";
import { CHUNK_COLUMNS, rowToChunkFields, SEARCH_TEXT_COLUMN, type ChunkFields } from "./schema";
import { sqlIn } from "./sql";
import type { SearchHit, SearchMode, SearchQuery } from "./types";
import { assertVector } from "./utils/assertVector";
import { clipQueryText } from "./utils/clipQueryText";

// Vector ANN and BM25, each with the collection filter applied inside the LanceDB
// query (a prefilter), fused by reciprocal-rank fusion.

export interface SearchTuning {
  /** How many candidates each side contributes to the fusion in hybrid mode. */
  hybridCandidates: number;
  /** ANN partitions to probe (only once an IVF index exists); undefined = LanceDB's default. */
  nprobes?: number;
  /** Re-rank this many × limit ANN candidates by exact distance (IVF-PQ only). */
  refineFactor?: number;
  /** HNSW search breadth (IVF-HNSW-SQ only); undefined = LanceDB's default. */
  ef?: number;
  /** Longest keyword query kept, in characters. */
  maxQueryChars: number;
  maxLimit: number;
}

export const DEFAULT_SEARCH_TUNING: SearchTuning = {
  hybridCandidates: 40,
  nprobes: undefined,
  refineFactor: undefined,
  ef: undefined,
  maxQueryChars: 2_000,
  maxLimit: 200,
};

const DEFAULT_LIMIT = 10;

interface Ranked {
  fields: ChunkFields;
  value: number;
}

/**
 * Scores: hybrid → RRF (k=60); vector → cosine similarity (1 − distance);
 * keyword → BM25. Ranks, distance and BM25 score are always reported where known.
 */
export async function searchChunks(table: Table, q: SearchQuery, dimensions: number, tuning: SearchTuning): Promise<SearchHit[]> {
  const mode: SearchMode = q.mode ?? "hybrid";
  if (mode !== "hybrid" && mode !== "vector" && mode !== "keyword")
    throw new CairnError("bad_request:search", `Unknown search mode "${String(mode)}".`, { reason: "invalid_mode" });
  const limit = q.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > tuning.maxLimit)
    throw new CairnError("bad_request:search", `Search limit must be an integer from 1 to ${tuning.maxLimit}.`, { reason: "invalid_limit" });
  if (!Array.isArray(q.collections))
    throw new CairnError("internal:search", "Search reached the vector store without a collections list.");
  if (mode !== "keyword") assertVector(q.vector, dimensions, "The query vector");
  // Nothing readable means nothing found, never "everything".
  if (q.collections.length === 0) return [];

  if (q.documents !== undefined && (!Array.isArray(q.documents) || q.documents.length === 0))
    throw new CairnError("internal:search", "A document-narrowed search needs at least one document id.");
  const filter = sqlIn("collectionId", q.collections, "Collection id") + (q.documents ? ` AND ${sqlIn("documentId", q.documents, "Document id")}` : "");
  const text = clipQueryText(typeof q.query === "string" ? q.query : "", tuning.maxQueryChars);
  const candidates = mode === "hybrid" ? Math.max(limit, tuning.hybridCandidates) : limit;

  const [byVector, byKeyword] = await Promise.all([
    mode === "keyword" ? [] : vectorCandidates(table, q.vector!, filter, candidates, tuning),
    mode === "vector" || text === "" ? [] : keywordCandidates(table, text, filter, candidates),
  ]);

  const vectorById = new Map(byVector.map((r, i) => [r.fields.id, { ...r, rank: i + 1 }]));
  const keywordById = new Map(byKeyword.map((r, i) => [r.fields.id, { ...r, rank: i + 1 }]));
  const fused = reciprocalRankFusion([byVector.map((r) => r.fields.id), byKeyword.map((r) => r.fields.id)], q.fusion?.k ?? RRF_K, [1, q.fusion?.keywordWeight ?? 1]);

  return fused.slice(0, limit).map((item) => {
    const v = vectorById.get(item.key);
    const k = keywordById.get(item.key);
    const score = mode === "vector" ? 1 - v!.value : mode === "keyword" ? k!.value : item.score;
    return {
      ...(v ?? k)!.fields,
      score,
      vectorRank: v?.rank,
      keywordRank: k?.rank,
      vectorDistance: v?.value,
      keywordScore: k?.value,
    };
  });
}

async function vectorCandidates(table: Table, vector: Float32Array, filter: string, n: number, t: SearchTuning): Promise<Ranked[]> {
  let query = table.vectorSearch(vector).distanceType("cosine").where(filter).select([...CHUNK_COLUMNS, "_distance"]).limit(n);
  if (t.nprobes !== undefined) query = query.nprobes(t.nprobes);
  if (t.refineFactor !== undefined) query = query.refineFactor(t.refineFactor);
  if (t.ef !== undefined) query = query.ef(t.ef);
  let rows: Record<string, unknown>[] = await query.toArray();
  if (rows.length < n) {
    // An ANN index probes only some partitions; with a selective collection filter (a small
    // private collection in a large store) that can miss rows that exist. Fewer hits than
    // asked means the filtered set is small, so an exact scan of it is cheap and complete.
    rows = await table
      .vectorSearch(vector)
      .distanceType("cosine")
      .where(filter)
      .bypassVectorIndex()
      .select([...CHUNK_COLUMNS, "_distance"])
      .limit(n)
      .toArray();
  }
  return rows.map((r) => ({ fields: rowToChunkFields(r), value: r._distance as number }));
}

async function keywordCandidates(table: Table, text: string, filter: string, n: number): Promise<Ranked[]> {
  const rows: Record<string, unknown>[] = await table
    .query()
    .fullTextSearch(text, { columns: SEARCH_TEXT_COLUMN })
    .where(filter)
    .select([...CHUNK_COLUMNS, "_score"])
    .limit(n)
    .toArray();
  return rows.map((r) => ({ fields: rowToChunkFields(r), value: r._score as number }));
}
