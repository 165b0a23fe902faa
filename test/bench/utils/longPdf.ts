import { PDFDocument, StandardFonts } from "pdf-lib";

/** A text PDF of `pages` full pages (48 lines each), for parse and ingest benchmarks. */
export async function makeLongPdf(pages: number): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.TimesRoman);
  const words = "the pump must be isolated before maintenance and the valve closed and locked out by the operator on duty".split(" ");
  for (let p = 0; p < pages; p++) {
    const page = doc.addPage([595, 842]);
    for (let line = 0; line < 48; line++) {
      const text = Array.from({ length: 14 }, (_, i) => words[(p * 7 + line * 3 + i) % words.length]).join(" ");
      page.drawText(`${p + 1}.${line + 1} ${text}`, { x: 40, y: 800 - line * 16, size: 10, font });
    }
  }
  return doc.save();
}
