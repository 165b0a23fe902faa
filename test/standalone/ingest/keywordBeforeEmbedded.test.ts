import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import type { ParsedDocument } from "@/ingest/types";
import type { Embedder } from "@/models/types";
import type { ChunkRecord } from "@/vectorstore/types";
import type { VectorStore } from "@/vectorstore/VectorStore";

// Uploads before an embedder exists: the worker parses and chunks them, they are keyword-searchable
// at once (SQLite FTS5, collection filter in the query), and the job waits; once an embedder is
// there the same job embeds them — no re-upload — and the keyword passages give way to the store.

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-kw-"));
Object.assign(process.env, { CAIRN_DATA_DIR: path.join(tmp, "data"), CAIRN_TEST_MODELS_DIR: path.join(tmp, "no-test-models") });
delete process.env.CAIRN_LLM_MODEL;
delete process.env.CAIRN_EMBED_MODEL;

const { config } = await import("@/core/config");
const { openDb, isPostgres } = await import("@/core/db");
const { claimNextJob, getDocument, listJobs, insertDocument, enqueueJob } = await import("@/core/db/queries");
const { processJob, WAITING_FOR_EMBEDDER } = await import("@/ingest/processJob");
const { chunkDocument } = await import("@/ingest/chunk");
const { currentPrincipal } = await import("@/lib/auth");
const { listLibrary } = await import("@/lib/library");
const { searchReadablePassages } = await import("@/lib/searchReadablePassages");
const { ingestProgressText } = await import("@/app/library/ingestProgress");
const { readPageText } = await import("@/lib/pageText");

const cfg = config();
const db = openDb(cfg.dbPath);
db.prepare("INSERT INTO collections (id, name) VALUES ('secret', 'Secret')").run();
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const text = (body: string): ParsedDocument => ({
  kind: "txt",
  pageCount: 1,
  pages: [{ number: null, text: body, sections: [{ headingPath: [], start: 0, end: body.length }] }],
  pagesWithoutText: [],
  warnings: [],
});
const files: Record<string, ParsedDocument> = {
  a: text("Pump maintenance. The isolation valve for pump P-101 is V-17. Close it fully before opening the casing."),
  b: text("Secret memo: the isolation valve for pump P-101 is not what the manual says."),
};
function addDocument(id: string, collectionId: string, sha: string, name = `${id}.txt`) {
  insertDocument(db, { id, collectionId, name, sha256: sha, sizeBytes: 100, source: "upload" });
  enqueueJob(db, id, sha);
}

const SHA_A = "a".repeat(64);
const SHA_B = "b".repeat(64);
const stored: ChunkRecord[] = [];
let whileEmbedding: string | undefined;
const fakeEmbedder: Embedder = {
  modelName: "fake",
  dimensions: 4,
  maxTokens: 256,
  countTokens: (t) => t.split(/\s+/).length,
  async embed(texts) {
    whileEmbedding ??= ingestProgressText(listLibrary(currentPrincipal()).find((d) => d.id === "doc-a")!);
    return texts.map(() => Float32Array.from([1, 0, 0, 0]));
  },
};
const fakeStore = {
  async replaceDocumentChunks(_id: string, chunks: ChunkRecord[]) {
    stored.push(...chunks);
    return { inserted: chunks.length, updated: 0, deleted: 0, version: 1 };
  },
  async ensureIndexes() {
    return {};
  },
  async deleteDocument() {},
} as unknown as VectorStore;

let embedderInstalled = false;
const deps = {
  db,
  cfg,
  workerId: "test-worker",
  store: async () => fakeStore,
  embedder: async () => fakeEmbedder,
  hasEmbedder: () => embedderInstalled,
  parse: async (file: string) => {
    return files[path.basename(file) === SHA_A ? "a" : "b"];
  },
  chunk: chunkDocument,
};

describe("searchable before embedded", () => {
  test("with no embedder, a job is parsed, keyword-searchable within readable collections, and parked", async () => {
    addDocument("doc-a", "default", SHA_A, "Zephyr pump manual.txt");
    addDocument("doc-b", "secret", SHA_B);
    for (let job; (job = claimNextJob(db, "test-worker", 0, { skipStage: WAITING_FOR_EMBEDDER })); ) {
      expect(await processJob(job, deps)).toBe("waiting");
    }
    // Parked jobs are not claimed again while no embedder is installed.
    expect(claimNextJob(db, "test-worker", 0, { skipStage: WAITING_FOR_EMBEDDER })).toBeUndefined();
    expect(listJobs(db, "doc-a")[0]).toMatchObject({ status: "pending", stage: WAITING_FOR_EMBEDDER, attempts: 1 });
    expect(getDocument(db, "doc-a")?.status).toBe("queued");

    const results = await searchReadablePassages(currentPrincipal(), "isolation valve P-101");
    expect(results.map((r) => r.hit.documentId)).toEqual(["doc-a"]); // doc-b is in a collection the local user cannot read
    expect(results[0].hit.text).toContain("V-17");
    expect(results[0].hit.fileName).toBe("Zephyr pump manual.txt");
    // The chunk's context header (here the title from the file name) is searched with its text,
    // as in the vector store, but never quoted.
    const byTitle = await searchReadablePassages(currentPrincipal(), "Zephyr");
    expect(byTitle.map((r) => r.hit.documentId)).toEqual(["doc-a"]);
    expect(byTitle[0].hit.text).not.toContain("Zephyr");
    expect(results[0].highlights.length).toBeGreaterThan(0);
    expect(await searchReadablePassages(currentPrincipal(), "casings")).toHaveLength(1); // stemmed like the store's BM25
    expect(await searchReadablePassages(currentPrincipal(), 'valve" OR x NEAR(')).toHaveLength(1); // typed syntax is only words

    const doc = listLibrary(currentPrincipal()).find((d) => d.id === "doc-a")!;
    expect(doc.keywordSearchable).toBe(true);
    expect(ingestProgressText(doc)).toBe("searchable (keyword) · waiting for an embedding model");
    // The viewer shows the text a search result points into, offsets included.
    const page = await readPageText(currentPrincipal(), "doc-a", null);
    expect(page.text.slice(results[0].hit.charStart, results[0].hit.charEnd)).toBe(results[0].hit.text);
    await expect(readPageText(currentPrincipal(), "doc-b", null)).rejects.toMatchObject({ status: 404 });
  });

  test("once an embedder exists the same job embeds the document; keyword passages give way to the store", async () => {
    embedderInstalled = true;
    db.prepare("DELETE FROM documents WHERE id = 'doc-b'").run(); // only doc-a's job is left to run
    const job = claimNextJob(db, "test-worker", 0)!;
    expect(job.documentId).toBe("doc-a");
    expect(await processJob(job, deps)).toBe("done");
    expect(whileEmbedding).toMatch(/^searchable \(keyword\) · embedding 0\/\d+$/);
    expect(getDocument(db, "doc-a")).toMatchObject({ status: "indexed", chunkCount: stored.length });
    expect(stored.every((c) => c.documentId === "doc-a" && c.vector.length === 4)).toBe(true);
    const remaining = db.prepare("SELECT COUNT(*) AS n FROM keyword_passages WHERE document_id = 'doc-a'").get() as { n: number };
    expect(remaining.n).toBe(0);
    expect(listLibrary(currentPrincipal()).find((d) => d.id === "doc-a")?.keywordSearchable).toBe(false);
  });

  test("deleting a document removes its keyword passages with it", () => {
    // doc-b was deleted in the test above.
    // The full-text index itself: FTS5's table (kept by a trigger), or PostgreSQL's tsvector column.
    const fts = db
      .prepare(
        isPostgres(db)
          ? "SELECT COUNT(*) AS n FROM keyword_passages WHERE tsv @@ to_tsquery('english', 'memo')"
          : "SELECT COUNT(*) AS n FROM keyword_passages_fts WHERE keyword_passages_fts MATCH 'memo'",
      )
      .get() as { n: number };
    expect(fts.n).toBe(0);
  });
});
