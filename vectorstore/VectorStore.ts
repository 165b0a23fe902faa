import type { Connection, Table } from "@lancedb/lancedb";
import type { Schema } from "apache-arrow";
import { CairnError } from "@/core/errors";
import { ensureIndexes, type IndexReport, type IndexSettings } from "./indexes";
import { CHUNK_COLUMNS, chunksToArrow, rowToChunk } from "./schema";
import { searchChunks, type SearchTuning } from "./search";
import { assertValidId, sqlEquals, sqlIn } from "./sql";
import type { ChunkRecord, SearchHit, SearchQuery } from "./types";
import { assertVector } from "./utils/assertVector";
import { withCommitRetry } from "./utils/commitRetry";
import { SerialQueue } from "./utils/serialQueue";

export interface ChunkFilter {
  documentId?: string;
  /** One id or a list; an empty list counts nothing. */
  collectionId?: string | string[];
}

export interface ReplaceResult {
  inserted: number;
  updated: number;
  deleted: number;
  /** Table version after the single commit. */
  version: number;
}

/** The chunks table: document-level writes, reads, hybrid search. Open with openVectorStore. */
export class VectorStore {
  // Writes from one process go one at a time, so a burst of ingests does not race itself;
  // a conflict with another process (a second worker, the web app) is retried whole.
  private readonly writes = new SerialQueue();
  private write<T>(op: () => Promise<T>): Promise<T> {
    return this.writes.run(() => withCommitRetry(op, { onRetry: (n, e) => console.warn(`vectorstore: commit conflict with another writer, retry ${n}: ${e.message.split("\n")[0]!.slice(0, 200)}`) }));
  }

  constructor(
    readonly uri: string,
    readonly dimensions: number,
    private readonly db: Connection,
    private readonly table: Table,
    private readonly schema: Schema,
    private readonly indexSettings: IndexSettings,
    private readonly searchTuning: SearchTuning,
  ) {}

  /**
   * Replaces every chunk of `documentId` with `chunks` in ONE commit: readers see the
   * old version or the new one, never both or neither. An empty list deletes the document.
   */
  async replaceDocumentChunks(documentId: string, chunks: readonly ChunkRecord[]): Promise<ReplaceResult> {
    assertValidId(documentId, "Document id");
    this.validateChunks(documentId, chunks);
    return this.write(async () => {
      await this.assertIdsNotOwnedElsewhere(documentId, chunks);
      const result = await this.table
        .mergeInsert("id")
        .whenMatchedUpdateAll()
        .whenNotMatchedInsertAll()
        .whenNotMatchedBySourceDelete({ where: sqlEquals("documentId", documentId, "Document id") })
        .execute(chunksToArrow(chunks, this.schema));
      return {
        inserted: result.numInsertedRows,
        updated: result.numUpdatedRows,
        deleted: result.numDeletedRows,
        version: result.version,
      };
    });
  }

  async deleteDocument(documentId: string): Promise<void> {
    const where = sqlEquals("documentId", documentId, "Document id");
    await this.write(() => this.table.delete(where));
  }

  async deleteCollection(collectionId: string): Promise<void> {
    const where = sqlEquals("collectionId", collectionId, "Collection id");
    await this.write(() => this.table.delete(where));
  }

  async countChunks(filter: ChunkFilter = {}): Promise<number> {
    const where = this.filterSql(filter);
    if (where === null) return 0;
    return where === "" ? this.table.countRows() : this.table.countRows(where);
  }

  /** All chunks of a document, in ordinal order. */
  async getChunks(documentId: string): Promise<ChunkRecord[]> {
    // One query, no limit: a count followed by a read could straddle a replace.
    const rows: Record<string, unknown>[] = await this.table
      .query()
      .where(sqlEquals("documentId", documentId, "Document id"))
      .select([...CHUNK_COLUMNS, "vector"])
      .toArray();
    return rows.map(rowToChunk).sort((a, b) => a.ordinal - b.ordinal);
  }

  async getChunk(id: string): Promise<ChunkRecord | null> {
    const rows: Record<string, unknown>[] = await this.table
      .query()
      .where(sqlEquals("id", id, "Chunk id"))
      .select([...CHUNK_COLUMNS, "vector"])
      .limit(1)
      .toArray();
    return rows.length > 0 ? rowToChunk(rows[0]) : null;
  }

  /** Vector ANN + BM25 within `collections`, fused by RRF; or either alone via `mode`. */
  hybridSearch(query: SearchQuery): Promise<SearchHit[]> {
    return searchChunks(this.table, query, this.dimensions, this.searchTuning);
  }

  /**
   * Chunks that BM25 matches `query` in (any of its words), within `collections`: the
   * candidates for counting where a term occurs. At most `limit`, best first.
   */
  async keywordMatches(query: string, collections: string[], limit: number): Promise<Pick<ChunkRecord, "id" | "documentId" | "headingPath" | "text">[]> {
    if (collections.length === 0 || query.trim() === "") return [];
    const rows: Record<string, unknown>[] = await this.table
      .query()
      .fullTextSearch(query.slice(0, this.searchTuning.maxQueryChars), { columns: "text" })
      .where(sqlIn("collectionId", collections, "Collection id"))
      .select(["id", "documentId", "headingPath", "text", "_score"])
      .limit(limit)
      .toArray();
    return rows.map((r) => ({ id: r.id as string, documentId: r.documentId as string, headingPath: r.headingPath as string, text: r.text as string }));
  }

  /** Documents with chunks stored without a context header (indexed before schema v2), for re-indexing. */
  async documentsWithoutContext(maxRows = 200_000): Promise<string[]> {
    const rows: Record<string, unknown>[] = await this.table.query().where("context = ''").select(["documentId"]).limit(maxRows).toArray();
    return [...new Set(rows.map((r) => r.documentId as string))];
  }

  /** Call after ingest batches: builds the ANN index when the table is large enough and refreshes the others. */
  ensureIndexes(): Promise<IndexReport> {
    return this.write(() => ensureIndexes(this.table, this.dimensions, this.indexSettings));
  }

  close(): void {
    this.table.close();
    this.db.close();
  }

  private filterSql(filter: ChunkFilter): string | null {
    const parts: string[] = [];
    if (filter.documentId !== undefined) parts.push(sqlEquals("documentId", filter.documentId, "Document id"));
    if (filter.collectionId !== undefined) {
      const ids = Array.isArray(filter.collectionId) ? filter.collectionId : [filter.collectionId];
      if (ids.length === 0) return null;
      parts.push(sqlIn("collectionId", ids, "Collection id"));
    }
    return parts.join(" AND ");
  }

  private validateChunks(documentId: string, chunks: readonly ChunkRecord[]): void {
    const ids = new Set<string>();
    const collections = new Set<string>();
    for (const c of chunks) {
      assertValidId(c.id, "Chunk id");
      assertValidId(c.collectionId, "Collection id");
      if (c.documentId !== documentId)
        throw new CairnError("bad_request:vectorstore", `Chunk ${c.id} belongs to document ${c.documentId}, not ${documentId}.`, {
          reason: "document_mismatch",
        });
      if (ids.has(c.id))
        throw new CairnError("bad_request:vectorstore", `Chunk id ${c.id} appears twice in one document.`, { reason: "duplicate_chunk_id" });
      ids.add(c.id);
      collections.add(c.collectionId);
      assertVector(c.vector, this.dimensions, `The vector of chunk ${c.id}`);
    }
    if (collections.size > 1)
      throw new CairnError("bad_request:vectorstore", `The chunks of document ${documentId} name ${collections.size} collections; a document lives in one.`, {
        reason: "collection_mismatch",
      });
  }

  /** A merge on `id` would silently move another document's chunk; refuse instead. */
  private async assertIdsNotOwnedElsewhere(documentId: string, chunks: readonly ChunkRecord[]): Promise<void> {
    const other = `NOT (${sqlEquals("documentId", documentId, "Document id")})`;
    for (let i = 0; i < chunks.length; i += 500) {
      const ids = chunks.slice(i, i + 500).map((c) => c.id);
      if ((await this.table.countRows(`${sqlIn("id", ids, "Chunk id")} AND ${other}`)) > 0)
        throw new CairnError("conflict:vectorstore", `Some chunk ids of document ${documentId} already belong to another document.`, {
          reason: "chunk_id_taken",
        });
    }
  }
}
