import { config } from "@/core/config";
import { CairnError } from "@/core/errors";
import { getEmbedder } from "@/models";
import { readGgufSummary } from "@/models/gguf";
import { modelMissingError } from "@/models/modelMissing";
import { readVectorPointer, writeVectorPointer } from "@/models/activeEmbedder";
import { resolveActiveEmbedder } from "@/models/registry";
import { openVectorStore } from "@/vectorstore/openVectorStore";
import type { VectorStore } from "@/vectorstore/VectorStore";
import { requeueDocumentsWithoutContext } from "./reindexContext";

let opening: Promise<VectorStore> | undefined;
let openedUri: string | undefined;

/**
 * The process-wide chunk store: the one vectors.json points at (the first store, until a
 * re-embed with another embedder completes and repoints it). Its vector width comes from the
 * embedder's GGUF header, so deleting or listing never has to load the embedder itself.
 */
export function getVectorStore(): Promise<VectorStore> {
  const uri = readVectorPointer(config())?.uri ?? config().lancedbUri;
  if (opening && openedUri !== uri) {
    // Repointed by a finished re-embed: open the new store; close the old one once readers are done with it.
    const old = opening;
    setTimeout(() => old.then((s) => s.close()).catch(() => {}), 60_000).unref();
    opening = undefined;
  }
  openedUri = uri;
  opening ??= open(uri).catch((e) => {
    opening = undefined;
    throw e;
  });
  return opening;
}

/** The embedder that writes the store and the width of its vectors: from the GGUF header, or (CAIRN_EMBED_URL) the server's probe. */
async function storeEmbedder(): Promise<{ name: string; dimensions: number }> {
  if (config().embedUrl) {
    const remote = await getEmbedder();
    return { name: remote.modelName, dimensions: remote.dimensions };
  }
  const embedder = resolveActiveEmbedder();
  if (!embedder) {
    throw modelMissingError("embedder");
  }
  const summary = await readGgufSummary(embedder.path);
  if (!summary.embeddingLength) {
    throw new CairnError("bad_request:model", `${embedder.name} does not declare its embedding width; is it an embedding model?`);
  }
  return { name: embedder.name, dimensions: summary.embeddingLength };
}

async function open(uri: string): Promise<VectorStore> {
  const embedder = await storeEmbedder();
  const store = await openVectorStore({
    uri,
    dimensions: embedder.dimensions,
    embeddingModel: embedder.name,
    index: { annMinRows: config().vectorAnnMinRows },
  });
  // The first open records which embedder this store belongs to, so choosing another one later re-embeds.
  if (!readVectorPointer(config())) writeVectorPointer(config(), { uri, embedder: embedder.name });
  // In the background: opening must not wait for it, and a failure only delays the headers.
  requeueDocumentsWithoutContext(store).catch((e: unknown) => console.error("Cairn: could not queue documents for re-indexing:", e));
  return store;
}
