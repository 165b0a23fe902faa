// The vector store: LanceDB chunks table, hybrid (vector + BM25) search, filtered by collection.
export { openVectorStore, type OpenVectorStoreOptions } from "./openVectorStore";
export { VectorStore, type ChunkFilter, type ReplaceResult } from "./VectorStore";
export { reciprocalRankFusion, RRF_K, type FusedItem } from "./rrf";
export { assertValidId, sqlString } from "./sql";
export { CHUNKS_SCHEMA_VERSION } from "./storeVersion";
export type { IndexReport, IndexSettings, AnnIndexType } from "./indexes";
export type { SearchTuning } from "./search";
export type { ChunkRecord, SearchHit, SearchMode, SearchQuery } from "./types";
