import { OCR_PAUSED, pendingJobsWithoutKeywordPassages } from "@/core/db/queries";
import { isCairnError } from "@/core/errors";
import { keywordPrepass, WAITING_FOR_EMBEDDER, type JobDeps } from "./processJob";

/**
 * The worker's betweenChunks: while one job embeds, the oldest waiting upload that is not yet
 * searchable gets its keyword pass (keywordPrepass), one per call, each job tried once, at most
 * one every `throttleMs`.
 */
export function keywordFirst(deps: () => JobDeps, throttleMs = 500): (embeddingJobId: number) => Promise<void> {
  const tried = new Set<number>();
  let last = 0;
  return async (embeddingJobId) => {
    if (Date.now() - last < throttleMs) return;
    last = Date.now();
    const d = deps();
    const next = pendingJobsWithoutKeywordPassages(d.db, embeddingJobId, [WAITING_FOR_EMBEDDER, OCR_PAUSED], 8).find((j) => !tried.has(j.id));
    if (!next) return;
    tried.add(next.id);
    const t0 = Date.now();
    const wrote = await keywordPrepass(next, d).catch((e: unknown) => {
      console.error(`worker: keyword pass for job ${next.id} failed (it is indexed in full later):`, isCairnError(e) ? e.message : e);
      return false;
    });
    if (wrote) console.log(`worker: document ${next.documentId} keyword-searchable in ${Date.now() - t0} ms, while job ${embeddingJobId} embeds`);
  };
}
