import { createRequire } from "node:module";
import path from "node:path";
import { PDFParse } from "pdf-parse";
import { CairnError } from "@/core/errors";
import type { ParsedDocument, ParsedPage } from "../types";

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
};

/** pdfjs' own exception names, which pdf-parse preserves. */
function classifyLoadError(err: unknown, name: string): CairnError {
  const e = err instanceof Error ? err : new Error(String(err));
  const detail = e.message || e.name;
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

export async function parsePdf(data: Uint8Array, name: string): Promise<ParsedDocument> {
  // pdfjs transfers/detaches the buffer it is given: hand it a copy.
  const parser = new PDFParse({ data: new Uint8Array(data), ...loadOptions });
  try {
    let total: number;
    try {
      // `partial: [0]` selects no page: this only loads the document and counts pages.
      total = (await parser.getText({ partial: [0] })).total;
    } catch (err) {
      throw classifyLoadError(err, name);
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
        text = result.pages[0]?.text ?? "";
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

    if (failedPages.length === total) {
      throw new CairnError(
        "unprocessable:parse",
        `${name} is damaged: none of its ${total} page(s) could be read.`,
        { reason: "corrupt" },
      );
    }
    if (garbledPages.length > 0) {
      warnings.push(
        `${garbledPages.length} page(s) have an unreadable text layer (fonts without a Unicode map) and were left out: ${garbledPages.join(", ")}.`,
      );
    }
    if (pagesWithoutText.length === total) {
      warnings.push(
        `None of the ${total} page(s) has usable text (scanned images, or blank pages); they need OCR before they can be searched.`,
      );
    } else if (pagesWithoutText.length > 0) {
      warnings.push(`${pagesWithoutText.length} of ${total} page(s) have no text layer: ${pagesWithoutText.join(", ")}.`);
    }
    return { kind: "pdf", title, pageCount: total, pages, pagesWithoutText, warnings };
  } finally {
    await parser.destroy();
  }
}
