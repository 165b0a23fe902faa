import { Field, FixedSizeList, Float32, Int32, Schema, Utf8, type Table as ArrowTable } from "apache-arrow";
import { makeArrowTable } from "@lancedb/lancedb";
import type { ChunkRecord } from "./types";

// The chunks table, as an explicit Arrow schema so LanceDB never has to guess types
// (a guessed vector column would be a variable-length list of doubles).

export const CHUNKS_TABLE = "chunks";

/** Field metadata keys, kept on the table itself so it describes its own layout. */
export const META_SCHEMA_VERSION = "cairn.schemaVersion";
export const META_EMBEDDING_MODEL = "cairn.embeddingModel";

/** Every column except the vector: what reads and searches return. */
export const CHUNK_COLUMNS = [
  "id",
  "documentId",
  "collectionId",
  "documentSha256",
  "ordinal",
  "page",
  "headingPath",
  "charStart",
  "charEnd",
  "tokenCount",
  "text",
  "context",
] as const;

/** What BM25 searches: the context header and the text (the header's words find the chunk, the text is what is quoted). */
export const SEARCH_TEXT_COLUMN = "searchText";
export const searchTextOf = (c: { context?: string; text: string }) => (c.context ? `${c.context}\n\n${c.text}` : c.text);

export function chunkSchema(dimensions: number, schemaVersion: number, embeddingModel?: string): Schema {
  const str = (name: string, metadata?: Map<string, string>) => new Field(name, new Utf8(), false, metadata);
  const int = (name: string, nullable = false) => new Field(name, new Int32(), nullable);
  const vectorMeta = new Map(embeddingModel ? [[META_EMBEDDING_MODEL, embeddingModel]] : []);
  return new Schema([
    str("id", new Map([[META_SCHEMA_VERSION, String(schemaVersion)]])),
    str("documentId"),
    str("collectionId"),
    str("documentSha256"),
    int("ordinal"),
    int("page", true),
    str("headingPath"),
    int("charStart"),
    int("charEnd"),
    int("tokenCount"),
    str("text"),
    str("context"),
    str(SEARCH_TEXT_COLUMN),
    new Field("vector", new FixedSizeList(dimensions, new Field("item", new Float32(), true)), false, vectorMeta),
  ]);
}

export function chunksToArrow(chunks: readonly ChunkRecord[], schema: Schema): ArrowTable {
  const rows = chunks.map((c) => ({
    id: c.id,
    documentId: c.documentId,
    collectionId: c.collectionId,
    documentSha256: c.documentSha256,
    ordinal: c.ordinal,
    page: c.page,
    headingPath: c.headingPath,
    charStart: c.charStart,
    charEnd: c.charEnd,
    tokenCount: c.tokenCount,
    text: c.text,
    context: c.context ?? "",
    [SEARCH_TEXT_COLUMN]: searchTextOf(c),
    vector: c.vector,
  }));
  return makeArrowTable(rows, { schema });
}

export type ChunkFields = Omit<ChunkRecord, "vector">;

/** Copies a query row (an Arrow row proxy) into a plain object. */
export function rowToChunkFields(row: Record<string, unknown>): ChunkFields {
  return {
    id: row.id as string,
    documentId: row.documentId as string,
    collectionId: row.collectionId as string,
    documentSha256: row.documentSha256 as string,
    ordinal: row.ordinal as number,
    page: (row.page ?? null) as number | null,
    headingPath: row.headingPath as string,
    charStart: row.charStart as number,
    charEnd: row.charEnd as number,
    tokenCount: row.tokenCount as number,
    text: row.text as string,
    context: (row.context as string | undefined) ?? "",
  };
}

export function rowToChunk(row: Record<string, unknown>): ChunkRecord {
  const v = row.vector as { toArray(): ArrayLike<number> } | ArrayLike<number>;
  const values = "toArray" in v ? v.toArray() : v;
  return { ...rowToChunkFields(row), vector: Float32Array.from(values) };
}
