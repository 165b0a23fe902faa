import { existsSync, mkdirSync, symlinkSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { createCanvas, type Canvas } from "@napi-rs/canvas";
import { createWorker, OEM, type Block, type RecognizeOptions, type Worker } from "tesseract.js";
import { CairnError } from "@/core/errors";
import type { OcrWord, PageOcr } from "../types";

// OCR with tesseract.js (Tesseract compiled to wasm), run only inside the sandboxed
// parser child. Everything is read from node_modules: the language data from
// @tesseract.js-data/<lang>, the wasm core from tesseract.js-core. A langPath that is
// a local directory makes tesseract.js read the file instead of fetching it from its
// default CDN, and cacheMethod "none" stops it writing a copy into the cwd.

const require = createRequire(import.meta.url);

export interface OcrOptions {
  langs: string[];
  /** Mean word confidence (0–100) below which a page is flagged "low-confidence OCR". */
  minConfidence: number;
  /** OCR'd pages a turn reads before it may yield to other documents (CAIRN_OCR_PAGES_PER_TURN). */
  pagesPerTurn?: number;
}

/** The directory holding `<lang>.traineddata.gz` for every requested language. */
export function languageDataDir(langs: string[]): string {
  const files = langs.map((lang) => {
    if (!/^[a-z_]{3,8}$/i.test(lang)) {
      throw new CairnError("unprocessable:parse", `"${lang}" is not a Tesseract language code (CAIRN_OCR_LANGS, e.g. eng+deu).`, {
        reason: "ocr_language_missing",
      });
    }
    let dir: string;
    try {
      dir = path.join(path.dirname(require.resolve(`@tesseract.js-data/${lang}/package.json`)), "4.0.0_best_int");
    } catch {
      dir = "";
    }
    const file = path.join(dir, `${lang}.traineddata.gz`);
    if (!dir || !existsSync(file)) {
      throw new CairnError(
        "unprocessable:parse",
        `OCR language data for "${lang}" is not installed on this machine (CAIRN_OCR_LANGS). Install it with \`npm install @tesseract.js-data/${lang}\`, or remove "${lang}" from the setting.`,
        { reason: "ocr_language_missing" },
      );
    }
    return { lang, file };
  });
  if (files.length === 1) return path.dirname(files[0].file);
  // tesseract.js takes one directory for all languages: link them side by side.
  const dir = path.join(os.tmpdir(), `cairn-ocr-langs-${process.getuid?.() ?? 0}`, langs.join("+"));
  mkdirSync(dir, { recursive: true });
  for (const { lang, file } of files) {
    const link = path.join(dir, `${lang}.traineddata.gz`);
    if (!existsSync(link)) symlinkSync(file, link);
  }
  return dir;
}

/** Skew (radians) from which a page is straightened and read again: 0.5°; below it Tesseract reads as well either way. */
const DESKEW_FROM = (0.5 * Math.PI) / 180;

/**
 * The page's skew in radians (clockwise positive, y down): the median slope of the baselines of
 * lines long enough to measure (three words or more), or 0 when there are none.
 */
function baselineSkew(blocks: Block[]): number {
  const slopes: number[] = [];
  for (const block of blocks) {
    for (const para of block.paragraphs) {
      for (const line of para.lines) {
        const b = line.baseline;
        if (line.words.length < 3 || !b || b.x1 - b.x0 < 100) continue;
        slopes.push(Math.atan2(b.y1 - b.y0, b.x1 - b.x0));
      }
    }
  }
  if (slopes.length === 0) return 0;
  slopes.sort((a, b) => a - b);
  return slopes[Math.floor(slopes.length / 2)];
}

/** Upright text reads well above this; a sideways page reads as noise well below it. */
const UPRIGHT_CONFIDENCE = 75;

export class OcrEngine {
  private worker?: Promise<Worker>;
  constructor(private readonly options: OcrOptions) {}

  private get(): Promise<Worker> {
    this.worker ??= createWorker(this.options.langs.join("+"), OEM.LSTM_ONLY, {
      langPath: languageDataDir(this.options.langs),
      cacheMethod: "none",
      gzip: true,
      // Node's defaults are local files already; naming them keeps a CDN out of reach.
      workerPath: require.resolve("tesseract.js/src/worker-script/node/index.js"),
      corePath: path.dirname(require.resolve("tesseract.js-core/package.json")),
      errorHandler: (err: unknown) => console.error("[ocr] tesseract worker error:", err),
    });
    return this.worker;
  }

  /**
   * Reads one rendered page. A page fed in sideways or upside down reads as
   * low-confidence noise: then the other orientations are tried and the surest kept.
   */
  async read(canvas: Canvas, dpi = 300): Promise<PageOcr> {
    let best = await this.recognize(canvas, 0, dpi);
    if (best.confidence >= UPRIGHT_CONFIDENCE && best.words.length >= 3) return best;
    for (const rotation of [90, 270, 180] as const) {
      const result = await this.recognize(canvas, rotation, dpi);
      if (result.confidence > best.confidence) best = result;
      if (best.confidence >= UPRIGHT_CONFIDENCE) break;
    }
    return best;
  }

  private async recognize(canvas: Canvas, rotation: 0 | 90 | 180 | 270, dpi: number): Promise<PageOcr> {
    const turned = rotation === 0 ? canvas : rotate(canvas, rotation);
    const image = despeckledPgm(turned);
    const worker = await this.get();
    // The resolution is known (a PGM carries none): Tesseract need not guess it, nor print its guess.
    const dpiOption = { user_defined_dpi: String(Math.round(dpi)) };
    let { data } = await worker.recognize(image, dpiOption as Partial<RecognizeOptions>, { text: false, blocks: true });
    // Deskew: the text lines' baselines, as Tesseract found them, say how askew the sheet was fed.
    // Only then is the page read again, turned straight about its centre (tesseract.js rotateRadians);
    // its own rotateAuto would cost every page an extra layout pass (≈ 1 s), askew or not.
    let skew = 0;
    const measured = baselineSkew(data.blocks ?? []);
    if (Math.abs(measured) >= DESKEW_FROM) {
      skew = -measured;
      ({ data } = await worker.recognize(image, { ...dpiOption, rotateRadians: skew } as Partial<RecognizeOptions>, { text: false, blocks: true }));
    }
    const W = canvas.width;
    const H = canvas.height;
    const words: OcrWord[] = [];
    let text = "";
    let confSum = 0;
    for (const block of data.blocks ?? []) {
      for (const para of block.paragraphs) {
        if (text && !text.endsWith("\n\n")) text += text.endsWith("\n") ? "\n" : "\n\n";
        for (const line of para.lines) {
          const lineWords = line.words.filter((w) => w.text.trim());
          if (lineWords.length === 0) continue;
          if (text && !text.endsWith("\n")) text += "\n";
          lineWords.forEach((w, i) => {
            if (i > 0) text += " ";
            const t = w.text.trim();
            const start = text.length;
            text += t;
            confSum += w.confidence;
            const box = unskewBox(w.bbox, skew, turned.width, turned.height);
            words.push({ text: t, start, end: text.length, conf: Math.round(w.confidence), box: unrotateBox(box, rotation, W, H) });
          });
        }
      }
    }
    const confidence = words.length ? Math.round(confSum / words.length) : 0;
    const skewDeg = Math.round((-skew * 180 * 10) / Math.PI) / 10 || 0;
    return { text: text.trim() ? text : "", confidence, rotation, skewDeg, words, lowConfidence: confidence < this.options.minConfidence };
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w) await (await w).terminate();
  }
}

/** Turns the image clockwise by `rotation` degrees. */
function rotate(src: Canvas, rotation: 90 | 180 | 270): Canvas {
  const swap = rotation !== 180;
  const out = createCanvas(swap ? src.height : src.width, swap ? src.width : src.height);
  const g = out.getContext("2d");
  g.translate(out.width / 2, out.height / 2);
  g.rotate((rotation * Math.PI) / 180);
  g.drawImage(src, -src.width / 2, -src.height / 2);
  return out;
}

/**
 * A box found on the straightened image, back on the image as given: its corners turned by the
 * skew about the centre (Tesseract straightened by -skew), and the box around them.
 */
function unskewBox(b: { x0: number; y0: number; x1: number; y1: number }, skew: number, W: number, H: number) {
  if (!skew) return b;
  const cos = Math.cos(-skew);
  const sin = Math.sin(-skew);
  const cx = W / 2;
  const cy = H / 2;
  const xs: number[] = [];
  const ys: number[] = [];
  for (const [x, y] of [[b.x0, b.y0], [b.x1, b.y0], [b.x0, b.y1], [b.x1, b.y1]]) {
    xs.push(cx + (x - cx) * cos - (y - cy) * sin);
    ys.push(cy + (x - cx) * sin + (y - cy) * cos);
  }
  const clamp = (v: number, max: number) => Math.min(max, Math.max(0, v));
  return { x0: clamp(Math.min(...xs), W), y0: clamp(Math.min(...ys), H), x1: clamp(Math.max(...xs), W), y1: clamp(Math.max(...ys), H) };
}

/** A box found on the turned image, back on the page as rendered, as fractions of its size. */
function unrotateBox(b: { x0: number; y0: number; x1: number; y1: number }, rotation: number, W: number, H: number): OcrWord["box"] {
  const back = (u: number, v: number): [number, number] =>
    rotation === 90 ? [v, H - u] : rotation === 270 ? [W - v, u] : rotation === 180 ? [W - u, H - v] : [u, v];
  const [ax, ay] = back(b.x0, b.y0);
  const [bx, by] = back(b.x1, b.y1);
  const r = (n: number) => Math.round(n * 10000) / 10000;
  return [r(Math.min(ax, bx) / W), r(Math.min(ay, by) / H), r(Math.max(ax, bx) / W), r(Math.max(ay, by) / H)];
}

/**
 * The page as an 8-bit grey PGM (leptonica reads it; no PNG compression to pay for), with
 * scanner speckle removed by a 3×3 majority vote on ink (Otsu's threshold): specks up to
 * 2×2 px become paper, strokes keep their grey. Speckle (dust, fax noise) makes Tesseract
 * drop whole lines as "noise blocks".
 */
function despeckledPgm(src: Canvas): Buffer {
  const { width: w, height: h } = src;
  const px = src.getContext("2d").getImageData(0, 0, w, h).data;
  const header = Buffer.from(`P5\n${w} ${h}\n255\n`, "latin1");
  const out = Buffer.allocUnsafe(header.length + w * h);
  header.copy(out);
  const grey = new Uint8Array(w * h);
  const hist = new Float64Array(256);
  for (let i = 0, j = 0; j < grey.length; i += 4, j++) {
    const g = (px[i] * 77 + px[i + 1] * 150 + px[i + 2] * 29) >> 8;
    grey[j] = g;
    hist[g]++;
  }
  const t = otsu(hist, grey.length);
  const ink = new Uint8Array(w * h);
  for (let j = 0; j < grey.length; j++) ink[j] = grey[j] < t ? 1 : 0;
  const dst = out.subarray(header.length);
  for (let y = 0; y < h; y++) {
    const up = Math.max(0, y - 1) * w;
    const row = y * w;
    const down = Math.min(h - 1, y + 1) * w;
    for (let x = 0; x < w; x++) {
      const l = Math.max(0, x - 1);
      const r = Math.min(w - 1, x + 1);
      const n = ink[up + l] + ink[up + x] + ink[up + r] + ink[row + l] + ink[row + x] + ink[row + r] + ink[down + l] + ink[down + x] + ink[down + r];
      dst[row + x] = n >= 5 ? Math.min(grey[row + x], t - 1) : 255;
    }
  }
  return out;
}

/** Otsu's threshold: the grey level that best splits ink from paper. */
function otsu(hist: Float64Array, total: number): number {
  let sum = 0;
  for (let i = 0; i < 256; i++) sum += i * hist[i];
  let sumB = 0;
  let wB = 0;
  let best = 0;
  let threshold = 128;
  for (let i = 0; i < 256; i++) {
    wB += hist[i];
    if (wB === 0) continue;
    const wF = total - wB;
    if (wF === 0) break;
    sumB += i * hist[i];
    const mB = sumB / wB;
    const mF = (sum - sumB) / wF;
    const between = wB * wF * (mB - mF) ** 2;
    if (between > best) {
      best = between;
      threshold = i + 1;
    }
  }
  return Math.min(255, Math.max(1, threshold));
}

/** A page with (nearly) no ink, decided on a small rendering before any OCR. */
export function isBlank(canvas: Canvas): boolean {
  const { width: w, height: h } = canvas;
  const px = canvas.getContext("2d").getImageData(0, 0, w, h).data;
  let dark = 0;
  for (let i = 0; i < px.length; i += 4) {
    const lum = (px[i] + px[i + 1] + px[i + 2]) / 3;
    // Transparent (unpainted) pixels count as paper.
    if (px[i + 3] > 128 && lum < 200) dark++;
  }
  // Conservative: one short line of 10-point text is far above this; a page OCR finds empty is reported blank anyway.
  return dark / (w * h) < 0.0001;
}
