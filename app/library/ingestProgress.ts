import type { DocumentRow } from "@/core/db/queries";

/** The line under a document's progress bar: "searchable (keyword) · embedding 120/400" once it can be found. */
export function ingestProgressText(doc: DocumentRow & { keywordSearchable?: boolean }): string {
  const p = doc.progress;
  if (p?.stage === "ocr") return `reading page ${p.done} of ${p.total} (OCR)`;
  if (p?.stage === "ocr_paused") return `read ${p.done} of ${p.total} pages (OCR) · paused while other documents are indexed`;
  if (doc.keywordSearchable && p?.stage === "waiting_for_embedder") return "searchable (keyword) · waiting for an embedding model";
  if (doc.keywordSearchable && p?.stage === "embedding") return `searchable (keyword) · embedding ${p.done}/${p.total}`;
  if (doc.keywordSearchable) return `searchable (keyword) · ${p?.stage ?? "queued"}`;
  return p && p.total > 0 ? `${p.stage} ${p.done}/${p.total}` : "waiting for the worker";
}
