import fs from "node:fs";
import path from "node:path";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { sharedFixturesDir } from "../../utils/answerabilityQuestions";

/**
 * A text PDF of `pages` full pages (48 lines of ~95 characters) from the fixture agreements'
 * real text, read in a rotating order from a seed-dependent start, so two seeds give two files.
 */
export async function makeFixtureTextPdf(pages: number, seed = 0): Promise<Uint8Array> {
  const dir = path.join(sharedFixturesDir, "contracts");
  const text = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".txt"))
    .sort()
    .map((f) => fs.readFileSync(path.join(dir, f), "utf8"))
    .join("\n")
    // Standard fonts encode WinAnsi only.
    .replace(/[^\x20-\x7e\n]/g, " ")
    .replace(/[ \t]+/g, " ");
  const words = text.split(/\s+/).filter(Boolean);
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.TimesRoman);
  let w = (seed * 7919) % words.length;
  for (let p = 0; p < pages; p++) {
    const page = doc.addPage([595, 842]);
    page.drawText(`Page ${p + 1} (copy ${seed})`, { x: 40, y: 810, size: 9, font });
    for (let line = 0; line < 48; line++) {
      let s = "";
      while (s.length < 95) s += (s ? " " : "") + words[w++ % words.length];
      page.drawText(s, { x: 40, y: 790 - line * 16, size: 9.5, font });
    }
  }
  return doc.save();
}
