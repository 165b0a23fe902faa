import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, expect, test } from "vitest";
import type { ParsedDocument } from "@/ingest/types";
import type { Embedder } from "@/models/types";

// Re-indexing a document embeds only the passages whose text changed; the others keep the
// vectors already in the (real LanceDB) store.

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "h11-reuse-"));
Object.assign(process.env, { CAIRN_DATA_DIR: path.join(tmp, "data"), CAIRN_TEST_MODELS_DIR: path.join(tmp, "no-test-models") });
delete process.env.CAIRN_EMBED_MODEL;

const { config } = await import("@/core/config");
const { openDb, closeDb } = await import("@/core/db");
const { claimNextJob, enqueueJob, getDocument, insertDocument } = await import("@/core/db/queries");
const { processJob } = await import("@/ingest/processJob");
const { chunkDocument } = await import("@/ingest/chunk");
const { openVectorStore } = await import("@/vectorstore/openVectorStore");

const cfg = config();
const db = openDb(cfg.dbPath);
const store = await openVectorStore({ uri: path.join(tmp, "lancedb"), dimensions: 4, embeddingModel: "fake", index: { annMinRows: 256 } });
afterAll(() => {
  store.close();
  closeDb(cfg.dbPath);
  fs.rmSync(tmp, { recursive: true, force: true });
});

const sections = (n: number, changed = -1) =>
  Array.from({ length: n }, (_, i) => `Section ${i + 1}. ${i === changed ? "The valve is now V-99 and must be tagged." : `The valve for pump P-${100 + i} is V-${i + 1}.`} ${"Inspect and record the readings. ".repeat(40)}`).join("\n\n");
let body = sections(6);
const parsed = (): ParsedDocument => ({
  kind: "txt",
  pageCount: 1,
  pages: [{ number: null, text: body, sections: [{ headingPath: [], start: 0, end: body.length }] }],
  pagesWithoutText: [],
  warnings: [],
});

let calls = 0;
const embeddedTexts: string[] = [];
const embedder: Embedder = {
  modelName: "fake",
  dimensions: 4,
  maxTokens: 512,
  countTokens: (t) => t.split(/\s+/).length,
  async embed(texts) {
    embeddedTexts.push(...texts);
    // The call number is in the vector, so a kept vector is told apart from a fresh one.
    return texts.map((t) => Float32Array.from([++calls, t.length, 1, 1]));
  },
};
const deps = { db, cfg, workerId: "w", store: async () => store, embedder: async () => embedder, parse: async () => parsed(), chunk: chunkDocument };

test("a re-index embeds only changed passages and keeps the stored vectors of the others", async () => {
  insertDocument(db, { id: "d", collectionId: "default", name: "d.txt", sha256: "a".repeat(64), sizeBytes: 1, source: "upload" });
  enqueueJob(db, "d", "a".repeat(64));
  expect(await processJob(claimNextJob(db, "w", 0)!, deps)).toBe("done");
  const first = await store.getChunks("d");
  expect(first.length).toBeGreaterThanOrEqual(4);
  expect(embeddedTexts).toHaveLength(first.length);

  // The same file indexed again (as after a chunking-context upgrade), one section reworded.
  body = sections(6, 3);
  embeddedTexts.length = 0;
  enqueueJob(db, "d", "a".repeat(64));
  expect(await processJob(claimNextJob(db, "w", 0)!, deps)).toBe("done");
  const second = await store.getChunks("d");
  expect(getDocument(db, "d")).toMatchObject({ status: "indexed", chunkCount: second.length });
  const changed = second.filter((c) => c.text.includes("V-99"));
  expect(changed.length).toBeGreaterThanOrEqual(1);
  // Only the changed passages went to the embedder…
  expect(embeddedTexts.length).toBe(second.filter((c) => !first.some((f) => f.text === c.text && f.context === c.context)).length);
  expect(embeddedTexts.length).toBeLessThan(second.length);
  expect(embeddedTexts.every((t) => t.includes("V-99"))).toBe(true);
  // …and the others carry their first-run vectors.
  for (const c of second) {
    const before = first.find((f) => f.text === c.text);
    if (before) expect([...c.vector]).toEqual([...before.vector]);
    else expect(c.vector[0]).toBeGreaterThan(first.length);
  }
});
