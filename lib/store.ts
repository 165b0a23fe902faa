import { config } from "@/core/config";
import { CairnError } from "@/core/errors";
import { readGgufSummary } from "@/models/gguf";
import { modelMissingError } from "@/models/modelMissing";
import { resolveModelFile } from "@/models/registry";
import { openVectorStore } from "@/vectorstore/openVectorStore";
import type { VectorStore } from "@/vectorstore/VectorStore";
import { requeueDocumentsWithoutContext } from "./reindexContext";

let opening: Promise<VectorStore> | undefined;

/**
 * The process-wide chunk store. Its vector width comes from the embedder's GGUF header,
 * so deleting or listing never has to load the embedder itself.
 */
export function getVectorStore(): Promise<VectorStore> {
  opening ??= open().catch((e) => {
    opening = undefined;
    throw e;
  });
  return opening;
}

async function open(): Promise<VectorStore> {
  const embedder = resolveModelFile("embedder");
  if (!embedder) {
    throw modelMissingError("embedder");
  }
  const summary = await readGgufSummary(embedder.path);
  if (!summary.embeddingLength) {
    throw new CairnError("bad_request:model", `${embedder.name} does not declare its embedding width; is it an embedding model?`);
  }
  const store = await openVectorStore({
    uri: config().lancedbUri,
    dimensions: summary.embeddingLength,
    embeddingModel: embedder.name,
    index: { annMinRows: config().vectorAnnMinRows },
  });
  // In the background: opening must not wait for it, and a failure only delays the headers.
  requeueDocumentsWithoutContext(store).catch((e: unknown) => console.error("Cairn: could not queue documents for re-indexing:", e));
  return store;
}
