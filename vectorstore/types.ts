// Rows stored in LanceDB and what a search returns.

export interface ChunkRecord {
  /** Unique per chunk and per document version. */
  id: string;
  documentId: string;
  collectionId: string;
  /** sha256 of the file these chunks came from. */
  documentSha256: string;
  ordinal: number;
  /** 1-based PDF page, or null. */
  page: number | null;
  /** Heading titles joined with " > ". */
  headingPath: string;
  charStart: number;
  charEnd: number;
  tokenCount: number;
  text: string;
  /** Title, parties, section path: searched (embedded with the text, keyword-indexed) but never quoted. */
  context?: string;
  vector: Float32Array;
}

export type SearchMode = "hybrid" | "vector" | "keyword";

export interface SearchQuery {
  query: string;
  /** Required for hybrid and vector modes. */
  vector?: Float32Array;
  /** Collections the caller may read; applied inside the search. Empty means nothing is readable. */
  collections: string[];
  limit?: number;
  mode?: SearchMode;
  /** Only these documents (inside the search, like `collections`); undefined: every document. */
  documents?: string[];
  /** Hybrid fusion: the keyword list's RRF weight (the vector list's is 1) and RRF k; default 1 and 60. */
  fusion?: { keywordWeight?: number; k?: number };
}

export interface SearchHit extends Omit<ChunkRecord, "vector"> {
  /** Fused score (RRF for hybrid), higher is better. */
  score: number;
  vectorRank?: number;
  keywordRank?: number;
  vectorDistance?: number;
  keywordScore?: number;
}
