import { config } from "@/core/config";
import { openDb } from "@/core/db";
import { getOcrPage, type OcrPageRow } from "@/core/db/queries";
import type { Principal } from "./auth";
import { getLibraryDocument } from "./library";
import { keywordPassagesOf } from "./keywordPassages";
import { getVectorStore } from "./store";
import type { ChunkRecord } from "@/vectorstore/types";

// The text of one page (or of a whole page-less document), rebuilt from its stored chunks
// at their own offsets, so a citation's charStart/charEnd index it directly.

export interface PageChunk {
  id: string;
  charStart: number;
  charEnd: number;
  headingPath: string;
}

export interface PageText {
  documentId: string;
  fileName: string;
  kind: string | null;
  pageCount: number | null;
  page: number | null;
  text: string;
  chunks: PageChunk[];
  /** Characters no chunk covers (whitespace the splitter dropped), shown as spaces. */
  uncovered: number;
  /** Set when the page was read by OCR: no text layer, so the viewer highlights from these word boxes. */
  ocr: OcrPageRow | null;
}

export function assemblePageText(chunks: readonly Pick<ChunkRecord, "charStart" | "charEnd" | "text">[]): { text: string; uncovered: number } {
  const length = chunks.reduce((m, c) => Math.max(m, c.charEnd), 0);
  const chars: (string | undefined)[] = new Array(length);
  for (const c of chunks) {
    // A chunk's text is page.text.slice(charStart, charEnd): code units, written in place.
    for (let i = 0; i < c.text.length && c.charStart + i < length; i++) chars[c.charStart + i] = c.text[i];
  }
  let uncovered = 0;
  for (let i = 0; i < length; i++) {
    if (chars[i] === undefined) {
      chars[i] = " ";
      uncovered++;
    }
  }
  return { text: chars.join(""), uncovered };
}

/** Permission-checked: the document must be in a collection the caller may read. */
export async function readPageText(principal: Principal, documentId: string, page: number | null): Promise<PageText> {
  const doc = getLibraryDocument(principal, documentId);
  // Not embedded yet (no embedder, or vectors being computed): its keyword passages carry the same text and offsets.
  const pending = doc.status === "indexed" ? [] : keywordPassagesOf(doc.id);
  const all = pending.length > 0 ? pending : await (await getVectorStore()).getChunks(doc.id);
  const onPage = all.filter((c) => c.page === page && c.collectionId === doc.collectionId);
  const { text, uncovered } = assemblePageText(onPage);
  return {
    documentId: doc.id,
    fileName: doc.name,
    kind: doc.kind,
    pageCount: doc.pageCount,
    page,
    text,
    chunks: onPage.map((c) => ({ id: c.id, charStart: c.charStart, charEnd: c.charEnd, headingPath: c.headingPath })),
    uncovered,
    ocr: (page !== null && getOcrPage(openDb(config().dbPath), doc.id, page)) || null,
  };
}
