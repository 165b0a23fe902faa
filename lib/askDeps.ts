import { config } from "@/core/config";
import { openDb } from "@/core/db";
import { getDocument, listDocumentContexts } from "@/core/db/queries";
import { getEmbedder, getLanguageModel } from "@/models";
import { assertModelInstalled } from "@/models/modelMissing";
import type { AskDeps } from "./ask";
import { preferringNamed, type PreferNamedOptions } from "./namedDocuments";
import { getVectorStore } from "./store";
import { libraryTermStats } from "./termStats";

// The real dependencies of lib/ask: the installed models, the chunk store and the metadata db.

export async function documentNames(documentIds: string[]): Promise<Map<string, string>> {
  const db = openDb(config().dbPath);
  const names = new Map<string, string>();
  for (const id of documentIds) {
    const doc = getDocument(db, id);
    if (doc) names.set(id, doc.name);
  }
  return names;
}

/**
 * Loads (once) the embedder, the LLM and the store; fails with the "no model installed" error before loading anything.
 * `named`: widen (prefer no named document) and hear which documents the question names.
 */
export async function realAskDeps(named: Omit<PreferNamedOptions, "embedder"> = {}): Promise<AskDeps> {
  assertModelInstalled("embedder");
  assertModelInstalled("llm");
  const [embedder, llm, store] = await Promise.all([getEmbedder(), getLanguageModel(), getVectorStore()]);
  // A question naming a document (by party, title or file name) gets that document's passages first.
  const catalog = (collections: string[]) => listDocumentContexts(openDb(config().dbPath), collections);
  return { embedder, llm, search: preferringNamed((q) => store.hybridSearch(q), catalog, { ...named, embedder }), documentNames, termStats: libraryTermStats(store) };
}
