import type { CairnConfig } from "@/core/config";
import type { Embedder } from "@/models/types";
import type { ChunkRecord } from "@/vectorstore/types";
import type { ChunkOptions } from "./chunk";
import type { ChunkDraft } from "./types";

// One place for how a document is chunked and how a chunk is stored: the index, its keyword-first
// passages and a re-embed must agree on offsets, ids and headings.

/** Without an embedder yet (keyword-searchable first) chunks are sized by about 4 characters a token. */
const approxTokens = (text: string) => Math.ceil(text.length / 4);

export function chunkOptions(
  cfg: Pick<CairnConfig, "chunkTokens" | "chunkOverlapTokens">,
  embedder: Pick<Embedder, "countTokens" | "maxTokens"> | null,
  fileName: string,
): ChunkOptions {
  return {
    countTokens: embedder ? (t) => embedder.countTokens(t) : approxTokens,
    maxTokens: embedder?.maxTokens ?? 512,
    chunkTokens: embedder ? Math.min(cfg.chunkTokens, embedder.maxTokens) : cfg.chunkTokens,
    overlapTokens: cfg.chunkOverlapTokens,
    fileName,
  };
}

/** A chunk's stored fields, shared by the vector store's records and the keyword passages. */
export function chunkFields(doc: { id: string; collectionId: string }, sha256: string, d: ChunkDraft) {
  return {
    documentId: doc.id,
    collectionId: doc.collectionId,
    documentSha256: sha256,
    ordinal: d.ordinal,
    page: d.page,
    headingPath: d.headingPath.join(" > "),
    charStart: d.charStart,
    charEnd: d.charEnd,
    tokenCount: d.tokenCount,
    text: d.text,
  };
}

/** The vector store's records of one document version (ids unique per chunk and version). */
export function chunkRecords(doc: { id: string; collectionId: string }, sha256: string, drafts: readonly ChunkDraft[], vectors: readonly (Float32Array | undefined)[]): ChunkRecord[] {
  return drafts.map((d, i) => ({
    id: `${doc.id}:${sha256.slice(0, 16)}:${d.ordinal}`,
    ...chunkFields(doc, sha256, d),
    context: d.context,
    vector: vectors[i]!,
  }));
}
