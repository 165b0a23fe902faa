import { describe, expect, test } from "vitest";
import { PDFDocument, StandardFonts } from "pdf-lib";
import * as pdfjs from "pdfjs-dist/legacy/build/pdf.mjs";
import { parsePdf } from "@/ingest/parse/pdf";
import { buildPageTextMap, itemPieces, locateSpan, type TextItemLike } from "@/app/view/[documentId]/utils/pdfTextMap";

// The viewer rebuilds the worker's page text from pdf.js text items; both must agree
// character for character, or highlights land on the wrong words.

async function samplePdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const page = doc.addPage([595, 842]);
  page.drawText("Maintenance manual", { x: 50, y: 780, size: 20, font: bold });
  page.drawText("Before servicing, close the isolation valve.", { x: 50, y: 740, size: 12, font });
  page.drawText("The isolation valve for pump P-101 is V-17.", { x: 50, y: 722, size: 12, font });
  // Two cells on one line: pdf-parse puts a tab between them.
  page.drawText("Valve", { x: 50, y: 690, size: 11, font });
  page.drawText("V-17", { x: 250, y: 690, size: 11, font });
  page.drawText("Pressure", { x: 50, y: 672, size: 11, font });
  page.drawText("6 bar", { x: 250, y: 672, size: 11, font });
  // A big gap between paragraphs.
  page.drawText("Lock out the breaker and tag it before opening the casing.", { x: 50, y: 600, size: 10, font });
  doc.addPage([595, 842]).drawText("Second page text.", { x: 50, y: 780, size: 12, font });
  return doc.save();
}

async function textItems(data: Uint8Array, pageNumber: number) {
  const pdf = await pdfjs.getDocument({ data: new Uint8Array(data), isEvalSupported: false, useSystemFonts: false }).promise;
  try {
    const page = await pdf.getPage(pageNumber);
    const viewport = page.getViewport({ scale: 1 });
    const content = await page.getTextContent();
    const items = content.items.filter((i): i is TextItemLike & (typeof content.items)[number] => "str" in i);
    return { map: buildPageTextMap(items, (x, y) => viewport.convertToViewportPoint(x, y)), items };
  } finally {
    await pdf.destroy();
  }
}

describe("pdf text map", () => {
  test("rebuilds exactly the page text the worker stored, for every page", async () => {
    const data = await samplePdf();
    const parsed = await parsePdf(data, "sample.pdf");
    for (const p of parsed.pages) {
      const { map, items } = await textItems(data, p.number!);
      expect(map.text).toBe(p.text);
      // Each item's range holds exactly its string (one range per item, and the page has some).
      expect(map.items.length).toBe(items.length);
      expect(items.length).toBeGreaterThan(0);
      map.items.forEach((r, i) => expect(map.text.slice(r.start, r.end)).toBe(items[i].str));
    }
    expect(parsed.pages.length).toBeGreaterThan(1);
    expect(parsed.pages[0].text).toContain("V-17.");
  });

  test("maps a cited span onto the items that hold it", async () => {
    const data = await samplePdf();
    const { map, items } = await textItems(data, 1);
    const start = map.text.indexOf("The isolation valve");
    const end = map.text.indexOf("V-17.") + "V-17.".length;
    const match = locateSpan(map.text, start, end, map.text.slice(start, end));
    expect(match).toEqual({ start, end, how: "offsets" });
    const pieces = itemPieces(map, match!.start, match!.end);
    const covered = pieces.map((p) => items[p.item].str.slice(p.from, p.to)).join("");
    expect(covered).toContain("V-17");
    expect(covered.replace(/\s/g, "")).toBe(map.text.slice(start, end).replace(/\s/g, ""));
  });

  test("finds the quote when stored offsets drifted, and refuses text that is not there", () => {
    const page = "Intro line.\nThe isolation valve for pump P-101 is V-17.\nEnd.";
    const quote = "The isolation valve for pump P-101 is V-17.";
    const real = page.indexOf(quote);
    expect(locateSpan(page, real + 3, real + 3 + quote.length, quote)).toEqual({ start: real, end: real + quote.length, how: "quote" });
    // Spacing differences (e.g. a line break instead of a space) still match.
    expect(locateSpan(page.replace("pump P-101", "pump\nP-101"), 0, 5, quote)?.how).toBe("quote");
    expect(locateSpan(page, 0, 5, "Something else entirely")).toBeNull();
    expect(locateSpan(page, 0, 500)).toBeNull();
  });
});
