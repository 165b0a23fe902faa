import { config } from "@/core/config";
import { openDb } from "@/core/db";
import { listDocumentContexts } from "@/core/db/queries";
import { documentNames } from "./askDeps";
import type { Principal } from "./auth";
import { passageSearchDeps } from "./keywordPassages";
import { searchPassages, searchPassagesScoped, type PassageResult, type ScopedPassages } from "./searchPassages";
import { resolveCollections } from "./searchScope";

/** What the documents of these (already permission-checked) collections are known by. */
export const documentCatalog = (collections: string[]) => listDocumentContexts(openDb(config().dbPath), collections);

/** Instant passage search without the LLM (/api/search), over the caller's readable collections; keyword-only before an embedder exists. */
export async function searchReadablePassages(principal: Principal, query: string, collections?: string[], limit?: number): Promise<PassageResult[]> {
  const { embedder, search } = await passageSearchDeps();
  return searchPassages({
    query,
    collections: resolveCollections(principal, collections),
    limit,
    deps: { embedder, search, documentNames },
  });
}

/** As searchReadablePassages, narrowed to the readable documents the query names unless `widen`. */
export async function searchReadablePassagesScoped(
  principal: Principal,
  query: string,
  opts: { collections?: string[]; limit?: number; widen?: boolean } = {},
): Promise<ScopedPassages> {
  const { embedder, search } = await passageSearchDeps();
  return searchPassagesScoped({
    query,
    collections: resolveCollections(principal, opts.collections),
    limit: opts.limit,
    widen: opts.widen,
    deps: { embedder, search, documentNames, catalog: documentCatalog },
  });
}
