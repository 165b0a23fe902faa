import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { closeParserPool, parseFile } from "@/ingest/parse";
import type { ParsedDocument } from "@/ingest/types";
import { CairnError } from "@/core/errors";
import { realWorldDir } from "./helpers";

// Every real-world fixture (PDF.js and mammoth test files) through the sandboxed
// parser: each must end with text, with all pages listed as needing OCR, or with a
// specific CairnError reason. Never a crash, an unclassified error or a hang. Then the
// PDFs without any text again with OCR on: each ends with OCR text or its pages said blank.
// (OCR stays off for the first pass: TAMReview.pdf alone has 21 garbled pages to OCR.)

const knownReasons = new Set(["encrypted", "corrupt", "unsupported_compression", "no_pages", "no_text", "not_docx", "empty_file", "unrecognized_format", "extension_mismatch"]);

interface Row {
  file: string;
  outcome: "text" | "no_text_layer" | "error";
  pages: number | string;
  chars: number;
  detail: string;
  popplerChars?: number;
}

const manifest = new Map(
  readFileSync(path.join(realWorldDir, "pdf-manifest.tsv"), "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => line.split("\t"))
    .map(([file, , pages, encrypted, chars]) => [file, { pages, encrypted, chars: Number(chars) }]),
);

const rows: Row[] = [];
afterAll(async () => {
  await closeParserPool();
  const pad = (s: string | number, n: number) => String(s).padEnd(n);
  console.log(["file", "outcome", "pages", "chars", "poppler", "detail"].map((h, i) => pad(h, [40, 14, 6, 8, 8, 0][i])).join(""));
  for (const r of rows) {
    console.log(pad(r.file, 40) + pad(r.outcome, 14) + pad(r.pages, 6) + pad(r.chars, 8) + pad(r.popplerChars ?? "", 8) + r.detail.slice(0, 90));
  }
});

async function outcome(dir: string, file: string, ocr: { langs: string[]; minConfidence: number } | null = null): Promise<Row> {
  let doc: ParsedDocument;
  try {
    doc = await parseFile(path.join(dir, file), { declaredName: file, timeoutMs: 60_000, ocr });
  } catch (err) {
    expect(err, `${file}: not a CairnError`).toBeInstanceOf(CairnError);
    const e = err as CairnError;
    expect(e.surface).toBe("parse");
    expect(knownReasons.has(e.reason ?? ""), `${file}: unexpected reason ${e.reason}: ${e.message}`).toBe(true);
    expect(e.message).toContain(file);
    return { file, outcome: "error", pages: "-", chars: 0, detail: `${e.reason}: ${e.message}` };
  }
  const chars = doc.pages.reduce((n, p) => n + p.text.trim().length, 0);
  expect(doc.pages.length).toBe(doc.pageCount);
  if (chars > 0) return { file, outcome: "text", pages: doc.pageCount, chars, detail: doc.warnings.join(" ") };
  // Only a PDF may come back without text, every page listed: said blank by OCR, or needing OCR when it is off.
  expect(doc.kind).toBe("pdf");
  expect(doc.pagesWithoutText).toEqual(doc.pages.map((p) => p.number));
  expect(doc.warnings.join(" "), file).toMatch(/are blank \(no text on the page image\)|image Cairn could not read|OCR could not read|need OCR/);
  return { file, outcome: "no_text_layer", pages: doc.pageCount, chars, detail: doc.warnings.join(" ") };
}

describe("real-world fixtures", () => {
  const pdfDir = path.join(realWorldDir, "pdf");
  const docxDir = path.join(realWorldDir, "docx");

  it("every PDF ends with text, pages needing OCR, or a specific error", async () => {
    for (const file of readdirSync(pdfDir).sort()) {
      const row = await outcome(pdfDir, file);
      const ref = manifest.get(file);
      row.popplerChars = ref?.chars;
      rows.push(row);
      // Where poppler reads a lot of text, we must too.
      if (ref && ref.pages !== "ERR" && ref.chars >= 1000) {
        expect(row.outcome, `${file}: poppler reads ${ref.chars} chars`).toBe("text");
        // Unless pages were dropped as glyph-id garbage (fonts without a Unicode map,
        // e.g. TAMReview.pdf), which poppler counts as characters too.
        if (!/unreadable text layer/.test(row.detail)) expect(row.chars, file).toBeGreaterThan(ref.chars * 0.4);
      }
    }
    const byName = new Map(rows.map((r) => [r.file, r]));
    expect(byName.get("tracemonkey.pdf")?.pages).toBe(14);
    expect(byName.get("pdkids.pdf")?.pages).toBe(55);
    expect(byName.get("TAMReview.pdf")?.pages).toBe(23);
    // Encrypted with a non-empty user password.
    expect(byName.get("issue6010_1.pdf")?.detail).toMatch(/^encrypted/);
  }, 300_000);

  it("with OCR on, every PDF without text ends with OCR text, its pages said blank, or its image unreadable", async () => {
    const withoutText = rows.filter((r) => r.outcome === "no_text_layer").map((r) => r.file);
    expect(withoutText.length).toBeGreaterThan(5);
    for (const file of withoutText) {
      const row = await outcome(pdfDir, file, { langs: ["eng"], minConfidence: 60 });
      expect(row.outcome === "text" ? /read by OCR/ : /are blank \(no text on the page image\)|image Cairn could not read/, file).toSatisfy((re: RegExp) => re.test(row.detail));
      rows.push({ ...row, file: `${file} (OCR)` });
    }
  }, 300_000);

  it("every DOCX ends with text or a specific error; plain zips are not_docx", async () => {
    for (const file of readdirSync(docxDir).sort()) rows.push(await outcome(docxDir, file));
    const byName = new Map(rows.map((r) => [r.file, r]));
    expect(byName.get("hello.zip")?.detail).toMatch(/^not_docx/);
    expect(byName.get("empty.zip")?.detail).toMatch(/^not_docx/);
    expect(byName.get("empty.docx")?.detail).toMatch(/^no_text/);
    expect(byName.get("tables.docx")?.outcome).toBe("text");
  }, 120_000);
});
