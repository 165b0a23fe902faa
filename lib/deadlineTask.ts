import type { Principal } from "./auth";
import { annotateDeadlines, findDocumentDeadlines, type DeadlineRow, type DeadlineScope, type DocumentDeadlines } from "./deadlines";
import { toClientError } from "./http";
import { getLanguageModel } from "@/models";
import { assertModelInstalled } from "@/models/modelMissing";

// The deadline table as a stream: the deterministic rows at once, then the model's checked
// party/obligation for each batch of clauses as it is done.

export type DeadlineEvent =
  | { type: "rows"; documents: DocumentDeadlines[] }
  | { type: "status"; stage: "loading_model" | "annotating" }
  | { type: "progress"; done: number; total: number; rows: DeadlineRow[] }
  | { type: "done"; documents: DocumentDeadlines[]; timings: { extractMs: number; annotateMs: number } }
  | { type: "error"; error: { code: string; message: string; reason?: string } };

export async function runDeadlineTask(principal: Principal, scope: DeadlineScope & { annotate: boolean }, emit: (e: DeadlineEvent) => void, signal?: AbortSignal): Promise<void> {
  try {
    const t0 = performance.now();
    const documents = await findDocumentDeadlines(principal, scope);
    const extractMs = performance.now() - t0;
    emit({ type: "rows", documents });
    let annotateMs = 0;
    if (scope.annotate) {
      assertModelInstalled("llm");
      emit({ type: "status", stage: "loading_model" });
      const llm = await getLanguageModel();
      emit({ type: "status", stage: "annotating" });
      const t1 = performance.now();
      const all = documents.flatMap((d) => d.rows);
      let done = 0;
      for (const d of documents) {
        await annotateDeadlines(d.rows, llm, { signal, parties: d.parties, onProgress: (p) => emit({ type: "progress", done: (done += p.rows.length), total: all.length, rows: p.rows }) });
      }
      annotateMs = performance.now() - t1;
    }
    emit({ type: "done", documents, timings: { extractMs, annotateMs } });
  } catch (e) {
    if (signal?.aborted) return;
    emit({ type: "error", error: toClientError(e, "document").toJSON() });
  }
}
