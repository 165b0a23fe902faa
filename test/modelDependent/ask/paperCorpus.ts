import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { chunkDocument } from "@/ingest/chunk";
import { parsePdf } from "@/ingest/parse/pdf";
import type { AskDeps } from "@/lib/ask";
import type { Embedder } from "@/models/types";
import { openVectorStore } from "@/vectorstore/index";
import type { ChunkRecord } from "@/vectorstore/types";

// A realistic passage set: the first pages of a real paper (tracemonkey.pdf), parsed and
// chunked by the real ingestion code and stored in a real LanceDB in a temp dir.

export const PAPER = path.resolve(import.meta.dirname, "../../../../shared/fixtures/real-world/pdf/tracemonkey.pdf");
export const PAPER_COLLECTION = "papers";
export const PAPER_ID = "tracemonkey";

export interface PaperStore {
  deps: Omit<AskDeps, "llm">;
  /** Every chunk stored, in order. */
  chunks: ChunkRecord[];
  /** The parsed text of a page, which chunk offsets point into. */
  pageText: (page: number | null) => string;
  close: () => Promise<void>;
}

export async function openPaperStore(embedder: Embedder, pages: number): Promise<PaperStore> {
  const parsed = await parsePdf(new Uint8Array(await readFile(PAPER)), "tracemonkey.pdf");
  const doc = { ...parsed, pages: parsed.pages.slice(0, pages) };
  const drafts = await chunkDocument(doc, {
    countTokens: (t) => embedder.countTokens(t),
    maxTokens: embedder.maxTokens,
    chunkTokens: Math.min(256, embedder.maxTokens),
    overlapTokens: 32,
  });
  const dir = await mkdtemp(path.join(os.tmpdir(), "cairn-paper-"));
  const store = await openVectorStore({ uri: path.join(dir, "lancedb"), dimensions: embedder.dimensions, embeddingModel: embedder.modelName });
  const vectors = await embedder.embed(drafts.map((d) => d.text));
  const chunks: ChunkRecord[] = drafts.map((d, i) => ({
    ...d,
    id: `${PAPER_ID}-${d.ordinal}`,
    documentId: PAPER_ID,
    collectionId: PAPER_COLLECTION,
    documentSha256: "0".repeat(64),
    headingPath: d.headingPath.join(" > "),
    vector: vectors[i]!,
  }));
  await store.replaceDocumentChunks(PAPER_ID, chunks);
  return {
    chunks,
    pageText: (page) => {
      const found = doc.pages.find((p) => p.number === page);
      if (!found) throw new Error(`tracemonkey.pdf has no parsed page ${page}`);
      return found.text;
    },
    deps: {
      embedder,
      search: (q) => store.hybridSearch(q),
      documentNames: async (ids) => new Map(ids.map((id) => [id, "tracemonkey.pdf"])),
    },
    close: async () => {
      store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
