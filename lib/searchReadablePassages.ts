import { getEmbedder } from "@/models";
import { assertModelInstalled } from "@/models/modelMissing";
import { documentNames } from "./askDeps";
import type { Principal } from "./auth";
import { searchPassages, type PassageResult } from "./searchPassages";
import { resolveCollections } from "./searchScope";
import { getVectorStore } from "./store";

/** Instant passage search without the LLM (/api/search), over the caller's readable collections. The store needs the embedder's width. */
export async function searchReadablePassages(principal: Principal, query: string, collections?: string[], limit?: number): Promise<PassageResult[]> {
  assertModelInstalled("embedder");
  const [embedder, store] = await Promise.all([getEmbedder(), getVectorStore()]);
  return searchPassages({
    query,
    collections: resolveCollections(principal, collections),
    limit,
    deps: { embedder, search: (q) => store.hybridSearch(q), documentNames },
  });
}
