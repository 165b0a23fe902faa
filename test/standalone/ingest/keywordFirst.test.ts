import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, expect, test } from "vitest";
import type { JobDeps } from "@/ingest/processJob";
import type { ParsedDocument } from "@/ingest/types";
import type { Embedder } from "@/models/types";
import type { ChunkRecord } from "@/vectorstore/types";
import type { VectorStore } from "@/vectorstore/VectorStore";

// A new upload is keyword-searchable while the worker is still embedding a long document ahead of
// it (not after), its job stays queued, and it is indexed in full afterwards.

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "h11-kwfirst-"));
Object.assign(process.env, { CAIRN_DATA_DIR: path.join(tmp, "data"), CAIRN_TEST_MODELS_DIR: path.join(tmp, "no-test-models") });
delete process.env.CAIRN_EMBED_MODEL;

const { config } = await import("@/core/config");
const { openDb, closeDb } = await import("@/core/db");
const { claimNextJob, enqueueJob, getDocument, insertDocument, keywordSearchableDocuments, listJobs } = await import("@/core/db/queries");
const { processJob } = await import("@/ingest/processJob");
const { keywordFirst } = await import("@/ingest/keywordFirst");
const { chunkDocument } = await import("@/ingest/chunk");

const cfg = config();
const db = openDb(cfg.dbPath);
afterAll(() => {
  closeDb(cfg.dbPath);
  fs.rmSync(tmp, { recursive: true, force: true });
});

const doc = (body: string): ParsedDocument => ({
  kind: "txt",
  pageCount: 1,
  pages: [{ number: null, text: body, sections: [{ headingPath: [], start: 0, end: body.length }] }],
  pagesWithoutText: [],
  warnings: [],
});
const LONG = "1".repeat(64);
const NEW = "2".repeat(64);
const bodies: Record<string, string> = {
  [LONG]: Array.from({ length: 40 }, (_, i) => `Section ${i}. ${"The pump is inspected every month and the readings are logged. ".repeat(30)}`).join("\n\n"),
  [NEW]: "Memo. The isolation valve for the chiller is V-88 and it is locked before maintenance.",
};
// Per embed call: was the new upload keyword-searchable at that point?
const searchableAtCall: boolean[] = [];
const embedder: Embedder = {
  modelName: "fake",
  dimensions: 4,
  maxTokens: 512,
  countTokens: (t) => t.split(/\s+/).length,
  async embed(texts) {
    searchableAtCall.push(keywordSearchableDocuments(db, ["new"]).has("new"));
    await new Promise((r) => setTimeout(r, 5));
    return texts.map(() => Float32Array.from([1, 0, 0, 0]));
  },
};
const stored = new Map<string, ChunkRecord[]>();
const store = {
  async replaceDocumentChunks(id: string, chunks: ChunkRecord[]) {
    stored.set(id, chunks);
    return { inserted: chunks.length, updated: 0, deleted: 0, version: 1 };
  },
  async ensureIndexes() {
    return {};
  },
  async deleteDocument() {},
  async getChunks(id: string) {
    return stored.get(id) ?? [];
  },
} as unknown as VectorStore;
const deps: JobDeps = {
  db,
  cfg,
  workerId: "w",
  store: async () => store,
  embedder: async () => embedder,
  parse: async (file: string) => doc(bodies[path.basename(file)]!),
  chunk: chunkDocument,
  // One job's turns as in the worker: every text its own turn, betweenChunks between them.
  compute: () => ({ turn: async () => 0, release: () => {} }),
  betweenChunks: keywordFirst(() => deps, 0),
};

test("an upload queued behind a long document is keyword-searchable while that one embeds, then indexed", async () => {
  insertDocument(db, { id: "long", collectionId: "default", name: "long.txt", sha256: LONG, sizeBytes: 1, source: "upload" });
  enqueueJob(db, "long", LONG);
  insertDocument(db, { id: "new", collectionId: "default", name: "new.txt", sha256: NEW, sizeBytes: 1, source: "upload" });
  enqueueJob(db, "new", NEW);

  const first = claimNextJob(db, "w", 0)!;
  expect(first.documentId).toBe("long");
  expect(await processJob(first, deps)).toBe("done");
  // Searchable from an early chunk of the long document on, not only after it.
  expect(searchableAtCall.length).toBeGreaterThan(10);
  expect(searchableAtCall[0]).toBe(false);
  expect(searchableAtCall.indexOf(true)).toBeGreaterThan(0);
  expect(searchableAtCall.indexOf(true)).toBeLessThan(5);
  // Still queued (its own run comes next), and the keyword passages hold its text.
  expect(listJobs(db, "new").at(-1)).toMatchObject({ status: "pending" });
  expect(getDocument(db, "new")?.status).toBe("queued");

  const second = claimNextJob(db, "w", 0)!;
  expect(second.documentId).toBe("new");
  expect(await processJob(second, deps)).toBe("done");
  expect(getDocument(db, "new")).toMatchObject({ status: "indexed" });
  expect(keywordSearchableDocuments(db, ["new"]).has("new")).toBe(false); // in the store now
});
