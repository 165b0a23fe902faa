import { createCanvas } from "@napi-rs/canvas";
import { PDFDocument, StandardFonts } from "pdf-lib";

// Scanned documents built in the test: known text drawn onto an image with
// @napi-rs/canvas, each image wrapped as an image-only PDF page with pdf-lib.

export interface ScanSpec {
  lines: string[];
  dpi?: number;
  /** Text turned 90° clockwise on the page (a page fed into the scanner sideways). */
  rotated?: boolean;
  /** The sheet fed in askew: the page turned this many degrees (clockwise), same size, white corners. */
  skewDeg?: number;
  /** Fraction of pixels flipped to random grey (speckle). */
  noise?: number;
  /** Page size in inches; half-letter by default to keep OCR quick. */
  widthIn?: number;
  heightIn?: number;
}

/** A page image with the lines in 12-point type, as PNG. */
export function scanImage(spec: ScanSpec): { png: Buffer; widthPt: number; heightPt: number } {
  const dpi = spec.dpi ?? 300;
  const wIn = spec.widthIn ?? 8.5;
  const hIn = spec.heightIn ?? 5.5;
  const w = Math.round(wIn * dpi);
  const h = Math.round(hIn * dpi);
  const upright = createCanvas(w, h);
  const g = upright.getContext("2d");
  g.fillStyle = "#ffffff";
  g.fillRect(0, 0, w, h);
  g.fillStyle = "#111111";
  const px = (12 / 72) * dpi;
  g.font = `${Math.round(px)}px serif`;
  spec.lines.forEach((line, i) => g.fillText(line, dpi * 0.8, dpi * 0.9 + i * px * 1.6));
  if (spec.noise) {
    const img = g.getImageData(0, 0, w, h);
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let i = 0; i < img.data.length; i += 4) {
      if (rnd() < spec.noise) {
        const v = Math.round(rnd() * 255);
        img.data[i] = img.data[i + 1] = img.data[i + 2] = v;
      }
    }
    g.putImageData(img, 0, 0);
  }
  if (spec.skewDeg) {
    const askew = createCanvas(w, h);
    const a = askew.getContext("2d");
    a.fillStyle = "#ffffff";
    a.fillRect(0, 0, w, h);
    a.translate(w / 2, h / 2);
    a.rotate((spec.skewDeg * Math.PI) / 180);
    a.drawImage(upright, -w / 2, -h / 2);
    return { png: askew.toBuffer("image/png"), widthPt: wIn * 72, heightPt: hIn * 72 };
  }
  if (!spec.rotated) return { png: upright.toBuffer("image/png"), widthPt: wIn * 72, heightPt: hIn * 72 };
  const turned = createCanvas(h, w);
  const t = turned.getContext("2d");
  t.translate(h / 2, w / 2);
  t.rotate(Math.PI / 2);
  t.drawImage(upright, -w / 2, -h / 2);
  return { png: turned.toBuffer("image/png"), widthPt: hIn * 72, heightPt: wIn * 72 };
}

export type PageSpec = { scan: ScanSpec } | { text: string[] };

/** A PDF of text pages (Helvetica) and scanned pages (one image each, no text layer). */
export async function makeScannedPdf(pages: PageSpec[]): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const spec of pages) {
    if ("text" in spec) {
      const page = doc.addPage([612, 396]);
      spec.text.forEach((line, i) => page.drawText(line, { x: 50, y: 340 - i * 16, size: 11, font }));
      continue;
    }
    const { png, widthPt, heightPt } = scanImage(spec.scan);
    const image = await doc.embedPng(png);
    doc.addPage([widthPt, heightPt]).drawImage(image, { x: 0, y: 0, width: widthPt, height: heightPt });
  }
  return doc.save();
}

/** Character error rate: edit distance over the reference length, whitespace runs as one space. */
export function characterErrorRate(reference: string, hypothesis: string): number {
  const a = reference.replace(/\s+/g, " ").trim();
  const b = hypothesis.replace(/\s+/g, " ").trim();
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return a.length ? prev[b.length] / a.length : 0;
}
