import { Index, type Table } from "@lancedb/lancedb";

// Which indexes the chunks table carries, and when they are built or refreshed.
// LanceDB searches rows not yet covered by an index with a flat scan (FTS, scalar
// and vector alike), so new chunks are findable at once; indexing is only for speed.

// Index listings would otherwise carry every IVF centroid (memory, and a warning per
// call); opt into LanceDB's announced future default unless the operator set it.
process.env.LANCE_INCLUDE_VECTOR_CENTROIDS ??= "false";

export type AnnIndexType = "ivf_pq" | "ivf_hnsw_sq" | "ivf_flat";

export interface IndexSettings {
  /** Below this many rows vector search stays exact (flat); at or above it an ANN index is built. */
  annMinRows: number;
  annIndexType: AnnIndexType;
  /**
   * Refresh indexes and compact once this many rows are outside an index, and at least
   * `optimizeMinUnindexedFraction` of the table. Keep the count low: BM25 over unindexed
   * rows tokenizes them at query time (~5 ms per 1,000 rows measured). The fraction
   * spaces refreshes geometrically for IVF-HNSW, whose refresh rebuilds its graphs.
   */
  optimizeMinUnindexedRows: number;
  optimizeMinUnindexedFraction: number;
  /** ...or once this many small (uncompacted) fragments have piled up, one per write. */
  optimizeMinSmallFragments: number;
}

export const DEFAULT_INDEX_SETTINGS: IndexSettings = {
  annMinRows: 50_000,
  // Measured at 20k–100k × 384-d (test/bench/search.ts, 2 busy cores): IVF-PQ took
  // 40–150 s to train and reached recall@10 ≈ 0.4 (0.6 with refine); IVF-HNSW-SQ
  // reached 0.95 but each refresh rebuilt its graphs (5–15 s per 2k new rows);
  // IVF-flat builds in seconds and refreshes in ~1 s, and its recall is set by probes.
  annIndexType: "ivf_flat",
  // Any unindexed row: LanceDB's flat BM25 over rows outside the FTS index does not rank
  // ("Harrowgate calibration report" returned arbitrary rows until optimize, measured),
  // so the index must cover every row for keyword search to be right.
  optimizeMinUnindexedRows: 1,
  optimizeMinUnindexedFraction: 0,
  optimizeMinSmallFragments: 100,
};

export const VECTOR_INDEX = "vector_idx";

/** English BM25 with stemming and stop words; positions are not needed (no phrase queries). */
const SCALAR_AND_TEXT_INDEXES: [column: string, make: () => Index][] = [
  // searchText (header + text) is what search ranks; text alone is what term counts read.
  ["searchText", () => Index.fts({ withPosition: false })],
  ["text", () => Index.fts({ withPosition: false })],
  ["id", () => Index.btree()],
  ["documentId", () => Index.btree()],
  ["collectionId", () => Index.bitmap()],
];

export interface IndexReport {
  rows: number;
  created: string[];
  optimized: boolean;
  vectorIndex: AnnIndexType | "none";
}

/** Creates the FTS and scalar indexes if missing; they can be built on an empty table. */
export async function ensureBaseIndexes(table: Table): Promise<string[]> {
  const existing = new Set((await table.listIndices()).flatMap((i) => i.columns));
  const created: string[] = [];
  for (const [column, make] of SCALAR_AND_TEXT_INDEXES) {
    if (existing.has(column)) continue;
    await table.createIndex(column, { config: make() });
    created.push(`${column}_idx`);
  }
  return created;
}

/** Call after ingest batches: refreshes stale indexes, and builds the ANN index once the table is big enough. */
export async function ensureIndexes(table: Table, dimensions: number, settings: IndexSettings): Promise<IndexReport> {
  const created = await ensureBaseIndexes(table);
  let optimized = false;
  if (await needsOptimize(table, await table.listIndices(), settings)) {
    // Folds unindexed rows into every index and compacts small fragments (first, so a
    // new ANN index is trained on compacted data). Old versions are kept (LanceDB's
    // default 7 days) so a reader mid-query is never cut off.
    await table.optimize();
    optimized = true;
  }
  const rows = await table.countRows();
  const vector = (await table.listIndices()).find((i) => i.columns.includes("vector"));
  let vectorIndex: IndexReport["vectorIndex"] = vector ? annTypeOf(vector.indexType) : "none";
  if (!vector && rows >= settings.annMinRows) {
    await table.createIndex("vector", { config: annIndex(settings.annIndexType, rows, dimensions), name: VECTOR_INDEX });
    created.push(VECTOR_INDEX);
    vectorIndex = settings.annIndexType;
  }
  return { rows, created, optimized, vectorIndex };
}

async function needsOptimize(table: Table, indices: Awaited<ReturnType<Table["listIndices"]>>, s: IndexSettings): Promise<boolean> {
  const stats = await table.stats();
  if (stats.fragmentStats.numSmallFragments >= s.optimizeMinSmallFragments) return true;
  const threshold = Math.max(s.optimizeMinUnindexedRows, s.optimizeMinUnindexedFraction * stats.numRows);
  return indices.some((i) => (i.numUnindexedRows ?? 0) >= threshold);
}

function annTypeOf(indexType: string): AnnIndexType {
  const t = indexType.toLowerCase();
  return t.includes("hnsw") ? "ivf_hnsw_sq" : t.includes("flat") ? "ivf_flat" : "ivf_pq";
}

/** Partitions from √rows (LanceDB's rule of thumb), fewer for flat and HNSW; PQ with 8 dimensions per sub-vector. */
export function annIndex(type: AnnIndexType, rows: number, dimensions: number): Index {
  const numPartitions = Math.max(1, Math.round(Math.sqrt(rows)));
  switch (type) {
    case "ivf_pq":
      return Index.ivfPq({ distanceType: "cosine", numPartitions, numSubVectors: subVectors(dimensions) });
    case "ivf_hnsw_sq":
      // HNSW partitions can be far larger; fewer of them keeps the graphs useful.
      return Index.hnswSq({ distanceType: "cosine", numPartitions: Math.max(1, Math.round(numPartitions / 8)) });
    case "ivf_flat":
      // Few, large partitions: the default 20 probes then cover a third of the rows
      // at 50k, which keeps recall high under a selective collection prefilter.
      return Index.ivfFlat({ distanceType: "cosine", numPartitions: Math.max(1, Math.round(numPartitions / 4)) });
  }
}

function subVectors(dimensions: number): number {
  for (let s = Math.floor(dimensions / 8); s > 1; s--) if (dimensions % s === 0) return s;
  return 1;
}
