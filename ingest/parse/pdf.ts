import { createRequire } from "node:module";
import path from "node:path";
import { PDFParse } from "pdf-parse";
import type { Canvas } from "@napi-rs/canvas";
import { CairnError } from "@/core/errors";
import type { OcrPageOutcome, OcrPageResult, ParsedDocument, ParsedPage } from "../types";
import { isBlank, OcrEngine, type OcrOptions } from "./ocr";

// PDF → pages with pdf-parse v2 (pdfjs-dist underneath), one page at a time so a
// broken page costs that page, not the document.

const pdfjsDir = path.dirname(createRequire(import.meta.url).resolve("pdfjs-dist/package.json"));

// pdfjs must never fetch anything: CMaps, standard fonts and wasm come from the
// local package (Node's pdfjs factories read these with fs), and eval stays off
// for hostile font programs.
const loadOptions = {
  cMapUrl: path.join(pdfjsDir, "cmaps") + path.sep,
  cMapPacked: true,
  standardFontDataUrl: path.join(pdfjsDir, "standard_fonts") + path.sep,
  wasmUrl: path.join(pdfjsDir, "wasm") + path.sep,
  useSystemFonts: false,
  disableFontFace: true,
  isEvalSupported: false,
  useWorkerFetch: false,
  enableXfa: false,
  stopAtErrors: false,
  // A hostile 20,000 × 20,000 px image would need 1.6 GB decoded: pdfjs leaves out
  // images above this many pixels (≈ an A4 page at 600 dpi).
  maxImageSize: 40_000_000,
  // Warnings on: they are how a page's image that could not be decoded is told apart from a blank page.
  verbosity: 1,
};

/** pdf.js warns on the console; while a PDF is parsed its warnings are collected here, not printed. */
async function collectingPdfWarnings<T>(fn: (warnings: string[]) => Promise<T>): Promise<T> {
  const warnings: string[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => {
    const m = args.map(String).join(" ");
    if (m.startsWith("Warning: ")) warnings.push(m.slice("Warning: ".length));
    else original(...args);
  };
  try {
    return await fn(warnings);
  } finally {
    console.warn = original;
  }
}

const imageTrouble = /image|jpeg|jpx|jbig2|dct|ccitt|decod/i;

export interface PdfOptions {
  /** null: OCR is off (CAIRN_OCR=off); pages without text stay listed in pagesWithoutText. */
  ocr: OcrOptions | null;
  onProgress?: (p: { stage: string; done: number; total: number }) => void;
  /** Pages of this scan OCR'd in earlier turns. */
  resume?: OcrPageResult[];
  /** True once other documents wait: OCR stops after this turn's pages, and the result carries ocrPaused. */
  yieldRequested?: () => Promise<boolean>;
}

/** 300 dpi reads 10-point text; the cap keeps a huge page from needing gigabytes of canvas. */
const OCR_DPI = 300;
const MAX_RENDER_PIXELS = 36_000_000;

interface PdfPageProxy {
  getViewport(p: { scale: number }): { width: number; height: number };
  render(p: { canvasContext: unknown; viewport: unknown; canvas: unknown }): { promise: Promise<void> };
  cleanup(): void;
}
interface PdfDocProxy {
  getPage(n: number): Promise<PdfPageProxy>;
  canvasFactory: { create(w: number, h: number): { canvas: Canvas; context: unknown }; destroy(c: unknown): void };
}

/** The page drawn at `dpi` (less for a huge page), with the resolution it got. */
async function renderPage(doc: PdfDocProxy, n: number, dpi: number): Promise<{ canvas: Canvas; dpi: number }> {
  const page = await doc.getPage(n);
  try {
    const base = page.getViewport({ scale: 1 });
    const scale = Math.min(dpi / 72, Math.sqrt(MAX_RENDER_PIXELS / Math.max(1, base.width * base.height)));
    const viewport = page.getViewport({ scale });
    const cc = doc.canvasFactory.create(Math.max(1, Math.floor(viewport.width)), Math.max(1, Math.floor(viewport.height)));
    const ctx = cc.context as { fillStyle: string; fillRect(x: number, y: number, w: number, h: number): void };
    // Paper is white: unpainted pixels must not read as black ink.
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, cc.canvas.width, cc.canvas.height);
    await page.render({ canvasContext: cc.context, viewport, canvas: cc.canvas }).promise;
    return { canvas: cc.canvas, dpi: scale * 72 };
  } finally {
    page.cleanup();
  }
}

/** Newer writers compress with Brotli; the pdfjs-dist that pdf-parse pins (5.4) has no such filter. */
function usesBrotli(data: Uint8Array): boolean {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).includes("/BrotliDecode", 0, "latin1");
}

function brotliError(name: string, cause?: unknown): CairnError {
  return new CairnError(
    "unprocessable:parse",
    `${name} uses a compression (BrotliDecode) Cairn cannot read yet; save or export it from its application as a standard PDF and upload it again.`,
    { reason: "unsupported_compression", cause },
  );
}

/** pdfjs' own exception names, which pdf-parse preserves. */
function classifyLoadError(err: unknown, name: string, data: Uint8Array): CairnError {
  const e = err instanceof Error ? err : new Error(String(err));
  const detail = e.message || e.name;
  if (e.name !== "PasswordException" && usesBrotli(data)) return brotliError(name, e);
  if (e.name === "PasswordException") {
    return new CairnError(
      "unprocessable:parse",
      `${name} is password-protected; remove the password (or export an unprotected copy) and upload it again.`,
      { reason: "encrypted", cause: e },
    );
  }
  return new CairnError(
    "unprocessable:parse",
    `${name} looks like a PDF but is damaged or truncated and cannot be read (${detail}).`,
    { reason: "corrupt", cause: e },
  );
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message || err.name : String(err);
}

/**
 * Fonts without a Unicode map give "text" made of glyph ids, mostly control
 * characters. Such a page is unreadable: indexing it would only add noise.
 */
/** UTF-16 text read as bytes comes out as "\u0000D\u0000E…": the NULs go, the text stays. */
export function stripNuls(text: string): string {
  return text.includes("\u0000") ? text.replaceAll("\u0000", "") : text;
}

function isGlyphGarbage(text: string): boolean {
  let visible = 0;
  let control = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
    visible++;
    if (c < 0x20 || (c >= 0x7f && c < 0xa0) || c === 0xfffd) control++;
  }
  return visible > 0 && control / visible > 0.3;
}

export function parsePdf(data: Uint8Array, name: string, options: PdfOptions = { ocr: null }): Promise<ParsedDocument> {
  return collectingPdfWarnings((pdfWarnings) => parsePdfCollecting(data, name, options, pdfWarnings));
}

async function parsePdfCollecting(data: Uint8Array, name: string, options: PdfOptions, pdfWarnings: string[]): Promise<ParsedDocument> {
  // pdfjs transfers/detaches the buffer it is given: hand it a copy.
  const parser = new PDFParse({ data: new Uint8Array(data), ...loadOptions });
  try {
    let total: number;
    try {
      // `partial: [0]` selects no page: this only loads the document and counts pages.
      total = (await parser.getText({ partial: [0] })).total;
    } catch (err) {
      throw classifyLoadError(err, name, data);
    }
    if (total === 0) {
      throw new CairnError("unprocessable:parse", `${name} has no pages.`, { reason: "no_pages" });
    }

    const warnings: string[] = [];
    let title: string | undefined;
    try {
      const info = await parser.getInfo();
      const t = (info.info as { Title?: unknown } | undefined)?.Title;
      if (typeof t === "string" && t.trim()) title = t.trim();
    } catch (err) {
      warnings.push(`The document's metadata could not be read: ${errorText(err)}`);
    }

    const pages: ParsedPage[] = [];
    const pagesWithoutText: number[] = [];
    const failedPages: number[] = [];
    const garbledPages: number[] = [];
    for (let n = 1; n <= total; n++) {
      let text = "";
      try {
        const result = await parser.getText({ partial: [n] });
        text = stripNuls(result.pages[0]?.text ?? "");
      } catch (err) {
        failedPages.push(n);
        warnings.push(`Page ${n} could not be read: ${errorText(err)}`);
      }
      if (isGlyphGarbage(text)) {
        garbledPages.push(n);
        text = "";
      }
      if (!text.trim()) pagesWithoutText.push(n);
      pages.push({ number: n, text, sections: text ? [{ headingPath: [], start: 0, end: text.length }] : [] });
    }
    options.onProgress?.({ stage: "parsing", done: total, total });

    // Before OCR: pages whose content is Brotli-compressed would only render blank.
    const brotli = usesBrotli(data);
    if (brotli && (failedPages.length === total || pagesWithoutText.length === total)) throw brotliError(name);
    if (brotli && (failedPages.length > 0 || pagesWithoutText.length > 0)) {
      warnings.push("Some of its streams use a compression (BrotliDecode) Cairn cannot read yet; pages built from them may be missing.");
    }

    const ocr = options.ocr && pagesWithoutText.length > 0 ? await ocrPages(parser, pages, pagesWithoutText, total, options, pdfWarnings) : null;
    if (ocr) {
      pagesWithoutText.splice(0, pagesWithoutText.length, ...ocr.stillWithout);
      warnings.push(...ocr.warnings);
    }
    // Not final: the worker keeps this turn's pages and queues the rest behind other documents.
    if (ocr?.paused) return { kind: "pdf", title, pageCount: total, pages, pagesWithoutText, warnings, ocr: "on", ocrPaused: ocr.paused };

    if (failedPages.length === total) {
      throw new CairnError(
        "unprocessable:parse",
        `${name} is damaged: none of its ${total} page(s) could be read.`,
        { reason: "corrupt" },
      );
    }
    if (garbledPages.length > 0) {
      warnings.push(
        `${garbledPages.length} page(s) have an unreadable text layer (fonts without a Unicode map)${ocr ? ", so they were read by OCR" : " and were left out"}: ${garbledPages.join(", ")}.`,
      );
    }
    const garbledOnly = pagesWithoutText.length > 0 && pagesWithoutText.every((n) => garbledPages.includes(n));
    if (ocr) {
      // OCR's own warnings said what became of each page.
    } else if (garbledOnly && pagesWithoutText.length === total) {
      warnings.push(`None of the ${total} page(s) has usable text: its text layer is unreadable.`);
    } else if (pagesWithoutText.length === total) {
      warnings.push(
        `None of the ${total} page(s) has usable text (scanned images, or blank pages); they need OCR before they can be searched.`,
      );
    } else if (pagesWithoutText.length > 0) {
      warnings.push(`${pagesWithoutText.length} of ${total} page(s) have no text layer: ${pagesWithoutText.join(", ")}.`);
    }
    return {
      kind: "pdf",
      title,
      pageCount: total,
      pages,
      pagesWithoutText,
      warnings,
      ...(garbledPages.length ? { garbledPages } : {}),
      ...(ocr ? { blankPages: ocr.blank } : {}),
      ocr: options.ocr ? "on" : "off",
    };
  } finally {
    await parser.destroy();
  }
}

interface OcrOutcome {
  stillWithout: number[];
  blank: number[];
  warnings: string[];
  /** OCR stopped between pages for other documents. */
  paused?: NonNullable<ParsedDocument["ocrPaused"]>;
}

/** One page without usable text, looked at and (unless blank) OCR'd. */
async function readPage(doc: PdfDocProxy, n: number, engine: OcrEngine, pdfWarnings: string[]): Promise<{ outcome: OcrPageOutcome; engineUsed: boolean }> {
  const since = pdfWarnings.length;
  // A page that renders blank because pdf.js dropped or could not decode its image is not "blank".
  const noInk = (): OcrPageOutcome => {
    const why = pdfWarnings.slice(since).find((w) => imageTrouble.test(w));
    return why ? { kind: "bad_image", why: why.replace(/\.$/, "") } : { kind: "blank" };
  };
  try {
    // A cheap look first: blank pages (common in scans) cost no OCR.
    if (isBlank((await renderPage(doc, n, 50)).canvas)) return { outcome: noInk(), engineUsed: false };
    const page = await renderPage(doc, n, OCR_DPI);
    const result = await engine.read(page.canvas, page.dpi);
    if (!result.text) return { outcome: noInk(), engineUsed: true };
    const { text, ...ocr } = result;
    return { outcome: { kind: "read", text, ocr }, engineUsed: true };
  } catch (err) {
    if (err instanceof CairnError) throw err; // e.g. language data missing: the whole document
    return { outcome: { kind: "failed", error: errorText(err) }, engineUsed: true };
  }
}

/**
 * OCR of the pages without usable text; pages with text are never touched. Pages read in an
 * earlier turn (options.resume) are taken as they were. Once this turn has OCR'd its share of
 * pages and other documents wait (options.yieldRequested), it stops before the next page.
 */
async function ocrPages(
  parser: PDFParse,
  pages: ParsedPage[],
  todo: number[],
  total: number,
  options: PdfOptions,
  pdfWarnings: string[],
): Promise<OcrOutcome> {
  const doc = (parser as unknown as { doc?: PdfDocProxy }).doc;
  if (!doc) throw new Error("pdf-parse did not keep the loaded document");
  const ocrOptions = options.ocr as OcrOptions;
  const engine = new OcrEngine(ocrOptions);
  const resumed = new Map((options.resume ?? []).map((r) => [r.page, r.outcome]));
  const perTurn = Math.max(1, ocrOptions.pagesPerTurn ?? 1);
  const outcomes: OcrPageResult[] = [];
  const readNow: OcrPageResult[] = [];
  let pending: number[] = [];
  let ocrdThisTurn = 0;
  try {
    for (let i = 0; i < todo.length; i++) {
      const n = todo[i];
      let outcome = resumed.get(n);
      if (!outcome) {
        if (ocrdThisTurn >= perTurn && (await options.yieldRequested?.())) {
          pending = todo.slice(i);
          break;
        }
        options.onProgress?.({ stage: "ocr", done: n, total });
        const r = await readPage(doc, n, engine, pdfWarnings);
        outcome = r.outcome;
        if (r.engineUsed) ocrdThisTurn++;
        readNow.push({ page: n, outcome });
      }
      outcomes.push({ page: n, outcome });
    }
  } finally {
    await engine.close();
  }
  const stillWithout: number[] = [...pending];
  const blank: number[] = [];
  const failed: string[] = [];
  const low: string[] = [];
  const read: number[] = [];
  const badImage: string[] = [];
  for (const { page: n, outcome } of outcomes) {
    if (outcome.kind === "read") {
      const { text, ocr } = outcome;
      pages[n - 1] = { number: n, text, sections: [{ headingPath: [], start: 0, end: text.length }], ocr };
      read.push(n);
      if (ocr.lowConfidence) low.push(`${n} (${ocr.confidence}%)`);
      continue;
    }
    stillWithout.push(n);
    if (outcome.kind === "blank") blank.push(n);
    else if (outcome.kind === "bad_image") badImage.push(`${n} (${outcome.why})`);
    else failed.push(`page ${n}: ${outcome.error}`);
  }
  stillWithout.sort((a, b) => a - b);
  const warnings: string[] = [];
  if (read.length) warnings.push(`${read.length} page(s) were read by OCR from their image: ${list(read)}.`);
  if (low.length) warnings.push(`Low-confidence OCR on page(s) ${low.join(", ")}: check the page image before relying on its text.`);
  if (blank.length) warnings.push(`${blank.length} page(s) are blank (no text on the page image): ${list(blank)}.`);
  if (badImage.length) {
    warnings.push(`${badImage.length} page(s) have an image Cairn could not read (too large or damaged), so no text: ${badImage.slice(0, 5).join("; ")}${badImage.length > 5 ? "; …" : ""}.`);
  }
  if (failed.length) warnings.push(`OCR could not read ${failed.length} page(s): ${failed.slice(0, 5).join("; ")}${failed.length > 5 ? "; …" : ""}.`);
  return { stillWithout, blank, warnings, ...(pending.length ? { paused: { read: readNow, pending, total } } : {}) };
}

function list(pages: number[]): string {
  return pages.length > 20 ? `${pages.slice(0, 20).join(", ")}, …` : pages.join(", ");
}
