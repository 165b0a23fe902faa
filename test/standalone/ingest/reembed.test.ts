import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import type { ParsedDocument } from "@/ingest/types";
import type { Embedder } from "@/models/types";
import { makeTinyGguf } from "../models/helpers/makeGguf";

// Choosing another embedder: the worker re-embeds the library into a new store, one document per
// step, with the real LanceDB; the store search reads (and the embedder queries use) stays the old
// one until every document is done, then vectors.json is repointed and results follow the new vectors.

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-reembed-"));
const dataDir = path.join(tmp, "data");
const modelsDir = path.join(dataDir, "models");
fs.mkdirSync(modelsDir, { recursive: true });
const gguf = makeTinyGguf({ architecture: "bert", embeddingLength: 4, tensorValues: 16 });
const entries = ["emb-a", "emb-b"].map((name, i) => {
  fs.writeFileSync(path.join(modelsDir, `${name}.gguf`), gguf);
  return { name, role: "embedder", description: name, source: `hf:x/${name}.gguf`, fileName: `${name}.gguf`, sizeBytes: gguf.length, sha256: null, license: "MIT", contextSize: 256, embeddingDimensions: 4, isDefault: i === 0 };
});
fs.writeFileSync(path.join(tmp, "catalogue.json"), JSON.stringify({ models: entries }));
Object.assign(process.env, {
  CAIRN_DATA_DIR: dataDir,
  CAIRN_MODEL_CATALOGUE: path.join(tmp, "catalogue.json"),
  CAIRN_TEST_MODELS_DIR: path.join(tmp, "none"),
});
delete process.env.CAIRN_EMBED_MODEL;

const { config } = await import("@/core/config");
const { openDb } = await import("@/core/db");
const { insertDocument, updateDocument, deleteDocumentRow } = await import("@/core/db/queries");
const { chunkDocument } = await import("@/ingest/chunk");
const { reembedStep } = await import("@/ingest/reembed");
const { readVectorPointer, reembedUri } = await import("@/models/activeEmbedder");
const { resolveActiveEmbedder, resolveModelFile } = await import("@/models/registry");
const { openVectorStore } = await import("@/vectorstore/openVectorStore");
const { currentPrincipal } = await import("@/lib/auth");
const { getVectorStore } = await import("@/lib/store");
const { selectModel } = await import("@/lib/modelManager");
const { modelsOverview } = await import("@/lib/modelsOverview");

const cfg = config();
const db = openDb(cfg.dbPath);
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const docs = [
  { id: "doc-valve", text: "The isolation valve for pump P-101 is V-17." },
  { id: "doc-fans", text: "The cooling tower fans are inspected every spring." },
  { id: "doc-gone", text: "A register that is deleted while the library is re-embedded." },
];
const sha = (s: string) => createHash("sha256").update(s).digest("hex");
const parsed = (text: string): ParsedDocument => ({
  kind: "txt",
  pageCount: 1,
  pages: [{ number: null, text, sections: [{ headingPath: [], start: 0, end: text.length }] }],
  pagesWithoutText: [],
  warnings: [],
});

// Embedder A puts every passage at the same point (it cannot tell them apart); B separates valves from the rest.
const fake = (name: string, vec: (t: string) => number[]): Embedder & { dispose(): Promise<void> } => ({
  modelName: name,
  dimensions: 4,
  maxTokens: 256,
  countTokens: (t) => t.split(/\s+/).length,
  embed: async (texts) => texts.map((t) => Float32Array.from(vec(t))),
  dispose: async () => {},
});
const embedA = fake("emb-a", () => [1, 0, 0, 0]);
const embedB = fake("emb-b", (t) => (/valve/i.test(t) ? [0, 1, 0, 0] : [0, 0, 1, 0]));
const deps = {
  db,
  cfg,
  parse: async (file: string) => parsed(docs.find((d) => sha(d.text) === path.basename(file))!.text),
  chunk: chunkDocument,
  loadEmbedder: async () => embedB,
  openStore: (uri: string, file: { name: string }) => openVectorStore({ uri, dimensions: 4, embeddingModel: file.name }),
};

const queryB = Float32Array.from([0, 1, 0, 0]); // "valve", as embedder B sees it
const topHit = async () => {
  const store = await getVectorStore();
  const hits = await store.hybridSearch({ query: "", vector: queryB, collections: ["default"], mode: "vector", limit: 3 });
  return { uri: store.uri, top: hits[0]?.documentId, distance: hits[0]?.vectorDistance };
};

describe("re-embedding after choosing another embedder", () => {
  test("the library indexed with the first embedder records it", async () => {
    for (const d of docs) {
      insertDocument(db, { id: d.id, collectionId: "default", name: `${d.id}.txt`, sha256: sha(d.text), sizeBytes: d.text.length, source: "upload" });
      updateDocument(db, d.id, { status: "indexed" });
    }
    const store = await getVectorStore();
    for (const d of docs) {
      const [v] = await embedA.embed([d.text]);
      await store.replaceDocumentChunks(d.id, [
        { id: `${d.id}:0`, documentId: d.id, collectionId: "default", documentSha256: sha(d.text), ordinal: 0, page: null, headingPath: "", charStart: 0, charEnd: d.text.length, tokenCount: 9, text: d.text, vector: v },
      ]);
    }
    expect(readVectorPointer(cfg)).toEqual({ uri: cfg.lancedbUri, embedder: "emb-a" });
    expect(await reembedStep(deps)).toBe("none"); // nothing chosen: nothing to do
  });

  test("search stays on the old store and embedder until every document is in the new one", async () => {
    await selectModel(currentPrincipal(), "embedder", "emb-b");
    expect(resolveModelFile("embedder")?.name).toBe("emb-b"); // chosen
    expect(resolveActiveEmbedder()?.name).toBe("emb-a"); // still what queries are embedded with

    const before = await topHit();
    expect(before.uri).toBe(cfg.lancedbUri);
    expect(before.distance).toBeCloseTo(1); // A's vectors know nothing of valves

    expect(await reembedStep(deps)).toBe("embedded");
    expect(readVectorPointer(cfg)?.reembed).toMatchObject({ embedder: "emb-b", done: 1, total: 3 });
    expect(modelsOverview().vectors).toMatchObject({ embedder: "emb-a", reembed: { embedder: "emb-b", done: 1, total: 3 } });
    // Whichever order it takes them in, a document deleted meanwhile must not come back with the new store.
    deleteDocumentRow(db, "doc-gone");
    let step = await reembedStep(deps);
    for (let i = 0; step === "embedded" && i < 5; i++) {
      expect((await topHit()).uri).toBe(cfg.lancedbUri);
      expect(resolveActiveEmbedder()?.name).toBe("emb-a");
      step = await reembedStep(deps);
    }
    expect(step).toBe("switched");
    expect(readVectorPointer(cfg)).toEqual({ uri: reembedUri(cfg, "emb-b"), embedder: "emb-b" });
    expect(resolveActiveEmbedder()?.name).toBe("emb-b");
    const after = await topHit();
    expect(after.uri).toBe(reembedUri(cfg, "emb-b"));
    expect(after.top).toBe("doc-valve");
    expect(after.distance).toBeCloseTo(0);
    const store = await getVectorStore();
    expect(await store.countChunks({ documentId: "doc-gone" })).toBe(0);
    expect(await store.countChunks({ documentId: "doc-fans" })).toBeGreaterThan(0);
    expect(modelsOverview().vectors).toEqual({ embedder: "emb-b", reembed: null });
    expect(await reembedStep(deps)).toBe("none");
  });
});
