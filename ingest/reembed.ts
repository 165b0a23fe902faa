import { rmSync } from "node:fs";
import type { CairnConfig } from "@/core/config";
import type { Db } from "@/core/db";
import { getDocument, listAllCollections, listDocuments } from "@/core/db/queries";
import { isCairnError } from "@/core/errors";
import { storedFilePath } from "@/core/files";
import { readVectorPointer, reembedUri, writeVectorPointer } from "@/models/activeEmbedder";
import { resolveModelFile, type ResolvedModelFile } from "@/models/registry";
import type { Embedder } from "@/models/types";
import type { VectorStore } from "@/vectorstore/VectorStore";
import type { ChunkRecord } from "@/vectorstore/types";
import { embeddingText } from "./chunk";
import { chunkOptions, chunkRecords } from "./chunkRecords";
import { embedInTurns } from "./embedInTurns";
import type { JobDeps } from "./processJob";

// Changing the embedder: the library is embedded again, one document per idle moment of the
// worker, into a new store beside the one in use. Search keeps reading the old store (and
// embedding queries with the old model) until every indexed document is in the new one; then
// vectors.json is repointed in one write and every process switches on its next request.

export interface ReembedDeps {
  db: Db;
  cfg: CairnConfig;
  parse: JobDeps["parse"];
  chunk: JobDeps["chunk"];
  loadEmbedder: (file: ResolvedModelFile) => Promise<Embedder & { dispose(): Promise<void> }>;
  openStore: (uri: string, file: ResolvedModelFile) => Promise<VectorStore>;
  compute?: JobDeps["compute"];
}

interface Run {
  target: string;
  uri: string;
  embedder: Embedder & { dispose(): Promise<void> };
  store: VectorStore;
  /** Document id → the version (sha256) embedded into the new store. */
  written: Map<string, string>;
}

let run: Run | undefined;

export type ReembedOutcome = "none" | "embedded" | "switched" | "failed";

/**
 * One step: nothing to do (the chosen embedder wrote the store in use), one more document
 * embedded with the chosen one, or — all done — the switch. Call when the worker is idle.
 */
export async function reembedStep(deps: ReembedDeps): Promise<ReembedOutcome> {
  const { db, cfg } = deps;
  const pointer = readVectorPointer(cfg);
  let chosen: ResolvedModelFile | null;
  // Re-embedding switches between model files; a remote embedder (CAIRN_EMBED_URL) is not one.
  if (cfg.embedUrl) return "none";
  try {
    chosen = resolveModelFile("embedder", cfg);
  } catch (e) {
    if (isCairnError(e)) return "none";
    throw e;
  }
  if (!pointer || !chosen || chosen.name === pointer.embedder) {
    await stop();
    // Chosen back before it finished: forget the unfinished run.
    if (pointer?.reembed) writeVectorPointer(cfg, { uri: pointer.uri, embedder: pointer.embedder });
    return "none";
  }
  if (run?.target !== chosen.name) {
    await stop();
    const uri = reembedUri(cfg, chosen.name);
    // A run left by a stopped worker is redone from scratch: what it wrote is not known here.
    rmSync(uri, { recursive: true, force: true });
    run = { target: chosen.name, uri, embedder: await deps.loadEmbedder(chosen), store: await deps.openStore(uri, chosen), written: new Map() };
  }
  const current = run;
  const indexed = listDocuments(db, listAllCollections(db).map((c) => c.id)).filter((d) => d.status === "indexed");
  // A document re-indexed meanwhile (new version) is embedded again.
  const todo = indexed.filter((d) => current.written.get(d.id) !== d.sha256);
  const progress = (done: number) =>
    writeVectorPointer(cfg, {
      ...pointer,
      reembed: { embedder: current.target, uri: current.uri, done, total: indexed.length, startedAt: pointer.reembed?.startedAt ?? new Date().toISOString() },
    });

  if (todo.length > 0) {
    const doc = todo[0];
    try {
      const parsed = await deps.parse(storedFilePath(doc.sha256, cfg.filesDir), {
        declaredName: doc.name,
        timeoutMs: cfg.parseTimeoutMs,
        maxMemoryMb: cfg.parseMaxMemoryMb,
      });
      const drafts = await deps.chunk(parsed, chunkOptions(cfg, current.embedder, doc.name));
      const vectors = await embedInTurns(current.embedder, drafts.map(embeddingText), { turns: deps.compute });
      const records: ChunkRecord[] = chunkRecords(doc, doc.sha256, drafts, vectors);
      await current.store.replaceDocumentChunks(doc.id, records);
    } catch (e) {
      // One unreadable file must not hold the switch forever: it is left out of the new store
      // (its old chunks go with the old store), and said so.
      console.error(`re-embed: ${doc.name} could not be embedded with ${current.target}:`, isCairnError(e) ? e.message : e);
    }
    current.written.set(doc.id, doc.sha256);
    progress(indexed.length - todo.length + 1);
    return "embedded";
  }

  // Complete. Documents deleted meanwhile must not come back with the new store.
  for (const id of current.written.keys()) if (!getDocument(db, id)) await current.store.deleteDocument(id);
  await current.store.ensureIndexes();
  writeVectorPointer(cfg, { uri: current.uri, embedder: current.target });
  console.log(`re-embed: ${indexed.length} document(s) embedded with ${current.target}; search now uses it (old store kept at ${pointer.uri}).`);
  await stop();
  return "switched";
}

async function stop(): Promise<void> {
  const finished = run;
  run = undefined;
  if (!finished) return;
  finished.store.close();
  await finished.embedder.dispose();
}
