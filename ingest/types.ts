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
  /** Set when the text was read from the page image by OCR (no usable text layer). */
  ocr?: Omit<PageOcr, "text">;
}

export interface OcrWord {
  text: string;
  /** Offsets into the page text. */
  start: number;
  end: number;
  /** Word confidence 0–100. */
  conf: number;
  /** [x0, y0, x1, y1] as fractions of the rendered page (unrotated), origin top left. */
  box: [number, number, number, number];
}

export interface PageOcr {
  text: string;
  /** Mean word confidence, 0–100. */
  confidence: number;
  lowConfidence: boolean;
  /** Degrees the page image was turned (clockwise) to read it upright. */
  rotation: 0 | 90 | 180 | 270;
  /** Degrees the text lines ran askew (clockwise), as Tesseract measured and straightened them; 0 under ~0.3°. */
  skewDeg?: number;
  words: OcrWord[];
}

/** What OCR made of one page; kept between the turns of a scan that yields to other documents. */
export type OcrPageOutcome =
  | { kind: "read"; text: string; ocr: Omit<PageOcr, "text"> }
  | { kind: "blank" }
  /** The page rendered empty because pdf.js dropped or could not decode its image. */
  | { kind: "bad_image"; why: string }
  | { kind: "failed"; error: string };

export interface OcrPageResult {
  page: number;
  outcome: OcrPageOutcome;
}

export interface ParsedDocument {
  kind: DocumentKind;
  title?: string;
  pageCount: number;
  pages: ParsedPage[];
  /** PDF pages with no text layer (scanned): kept so an OCR step can fill them later. */
  pagesWithoutText: number[];
  warnings: string[];
  /** Pages whose text layer was glyph garbage (fonts without a Unicode map). */
  garbledPages?: number[];
  /** Pages OCR found no ink or no words on. */
  blankPages?: number[];
  /** Whether pages without text were given to OCR (PDFs only). */
  ocr?: "on" | "off";
  /**
   * Set when OCR stopped between pages because other documents were waiting: the pages looked
   * at in this turn, and those still to read. The rest of the document is not final then.
   */
  ocrPaused?: { read: OcrPageResult[]; pending: number[]; total: number };
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
