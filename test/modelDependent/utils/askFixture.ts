import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { AskDeps } from "@/lib/ask";
import { loadEmbedder } from "@/models/embedder";
import { loadLanguageModel, type LocalLanguageModel } from "@/models/llm";
import type { Embedder } from "@/models/types";
import { openVectorStore, type VectorStore } from "@/vectorstore/index";
import type { ChunkRecord } from "@/vectorstore/types";
import { testModelPaths, testModelThreads } from "../testModels";

// The real test models and a real LanceDB store in a temp dir, holding one chunk per page given:
// what the model-dependent ask tests stand on. Load once per file (beforeAll), close in afterAll.

export interface FixturePage {
  documentId: string;
  collectionId: string;
  fileName: string;
  page: number | null;
  text: string;
  /** Where the chunk starts on its page (0: the chunk is the whole page). */
  charStart?: number;
}

export interface AskFixture {
  llm: LocalLanguageModel;
  embedder: Embedder & { dispose?: () => Promise<void> };
  store: VectorStore;
  /** Real embedder, LLM and hybrid search; file names from the pages. */
  deps: AskDeps;
  close: () => Promise<void>;
}

export async function openAskFixture(pages: readonly FixturePage[]): Promise<AskFixture> {
  const paths = testModelPaths();
  const embedder = await loadEmbedder(paths.embedder, { threads: testModelThreads() });
  const llm = await loadLanguageModel(paths.llm, { contextSize: 2048, threads: testModelThreads() });
  const dir = await mkdtemp(path.join(os.tmpdir(), "cairn-ask-"));
  const store = await openVectorStore({ uri: path.join(dir, "lancedb"), dimensions: embedder.dimensions, embeddingModel: embedder.modelName });
  const vectors = await embedder.embed(pages.map((d) => d.text));
  for (const [i, d] of pages.entries()) {
    const start = d.charStart ?? 0;
    const chunk: ChunkRecord = {
      id: `${d.documentId}-0`,
      documentId: d.documentId,
      collectionId: d.collectionId,
      documentSha256: "0".repeat(64),
      ordinal: 0,
      page: d.page,
      headingPath: "",
      charStart: start,
      charEnd: start + d.text.length,
      tokenCount: embedder.countTokens(d.text),
      text: d.text,
      vector: vectors[i]!,
    };
    await store.replaceDocumentChunks(d.documentId, [chunk]);
  }
  const names = new Map(pages.map((d) => [d.documentId, d.fileName]));
  const deps: AskDeps = {
    embedder,
    llm,
    search: (q) => store.hybridSearch(q),
    documentNames: async (ids) => new Map(ids.map((id) => [id, names.get(id) ?? id])),
  };
  return {
    llm,
    embedder,
    store,
    deps,
    close: async () => {
      store.close();
      await llm.dispose();
      await embedder.dispose?.();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
