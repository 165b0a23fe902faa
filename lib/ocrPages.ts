import { config } from "@/core/config";
import { openDb } from "@/core/db";
import { listOcrPages } from "@/core/db/queries";
import type { Principal } from "./auth";
import { getLibraryDocument } from "./library";

// Which pages of a document were read by OCR, and how sure the engine was: citations of a
// low-confidence page are marked so the user checks the page image.

export interface OcrPageConfidence {
  page: number;
  confidence: number;
  lowConfidence: boolean;
}

/** Permission-checked: the document must be in a collection the caller may read. */
export function readOcrPages(principal: Principal, documentId: string): OcrPageConfidence[] {
  const doc = getLibraryDocument(principal, documentId);
  return listOcrPages(openDb(config().dbPath), doc.id).map(({ page, confidence, lowConfidence }) => ({ page, confidence, lowConfidence }));
}
