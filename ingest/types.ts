// What parsing and chunking hand to the rest of the system.

export type DocumentKind = "pdf" | "docx" | "txt" | "markdown" | "html";

export interface Section {
  /** Heading titles from outermost to innermost, e.g. ["Safety", "Isolation"]. */
  headingPath: string[];
  /** Character offsets into the page text where this section starts and ends. */
  start: number;
  end: number;
}

export interface ParsedPage {
  /** 1-based page number for PDFs; null for formats without pages. */
  number: number | null;
  /** The page text exactly as extracted; chunk offsets point into it. */
  text: string;
  sections: Section[];
}

export interface ParsedDocument {
  kind: DocumentKind;
  title?: string;
  pageCount: number;
  pages: ParsedPage[];
  /** PDF pages with no text layer (scanned): kept so an OCR step can fill them later. */
  pagesWithoutText: number[];
  warnings: string[];
}

export interface ChunkDraft {
  ordinal: number;
  page: number | null;
  headingPath: string[];
  /** Offsets into ParsedPage.text of `page`. text === page.text.slice(charStart, charEnd). */
  charStart: number;
  charEnd: number;
  tokenCount: number;
  text: string;
  /** Title, parties and section path: embedded and keyword-indexed with the text, never quoted ("" for none). */
  context: string;
}
