import type { Principal } from "./auth";
import { getLibraryDocument } from "./library";
import { assemblePageText } from "./pageText";
import type { PromptPassage } from "./prompt";
import { getVectorStore } from "./store";
import type { DocumentRow } from "@/core/db/queries";
import { CairnError } from "@/core/errors";

// A whole document for whole-document tasks (summaries, deadlines): its pages rebuilt from the
// stored chunks at their own offsets, and the chunks themselves as citable passages.

export interface DocumentPages {
  document: DocumentRow;
  pages: { page: number | null; text: string }[];
  /** In reading order; charStart/charEnd index their page's text. */
  passages: PromptPassage[];
}

/** Permission-checked like every read: the document must be in a collection the caller may read. */
export async function loadDocumentPages(principal: Principal, documentId: string): Promise<DocumentPages> {
  const document = getLibraryDocument(principal, documentId);
  if (document.status !== "indexed") {
    throw new CairnError("bad_request:document", `"${document.name}" is not indexed yet (${document.status}).`, { reason: "not_indexed" });
  }
  const store = await getVectorStore();
  const chunks = (await store.getChunks(document.id))
    .filter((c) => c.collectionId === document.collectionId)
    .sort((a, b) => (a.page ?? 0) - (b.page ?? 0) || a.charStart - b.charStart);
  const byPage = new Map<number | null, typeof chunks>();
  for (const c of chunks) byPage.set(c.page, [...(byPage.get(c.page) ?? []), c]);
  const pages = [...byPage].map(([page, cs]) => ({ page, text: assemblePageText(cs).text }));
  const passages: PromptPassage[] = chunks.map(({ vector: _v, ...c }) => ({ ...c, score: 1, fileName: document.name }));
  return { document, pages, passages };
}
