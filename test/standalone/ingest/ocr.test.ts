import { execFile } from "node:child_process";
import { promisify } from "node:util";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { createCanvas } from "@napi-rs/canvas";
import { PDFDict, PDFDocument, PDFName, StandardFonts } from "pdf-lib";
import { afterAll, describe, expect, test } from "vitest";
import { makeScannedPdf } from "../../utils/scannedPdf";
import { repoRoot } from "./helpers";

// OCR of scanned pages with the real engine (tesseract.js + the English model from
// node_modules) on scanned documents generated here. OCR is slow on a shared 2-core
// machine: few, half-letter pages.

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-ocr-"));
Object.assign(process.env, { CAIRN_DATA_DIR: path.join(tmp, "data"), CAIRN_TEST_MODELS_DIR: path.join(tmp, "no-models"), CAIRN_OCR: "on" });
delete process.env.CAIRN_EMBED_MODEL;

const { config } = await import("@/core/config");
const { openDb } = await import("@/core/db");
const { insertDocument, enqueueJob, claimNextJob, getDocument, getOcrPage, listOcrPages } = await import("@/core/db/queries");
const { storedFilePath } = await import("@/core/files");
const { parseBytes } = await import("@/ingest/parse/parseDocument");
const { parseFile, closeParserPool, ParserPool } = await import("@/ingest/parse");
const { stripNuls } = await import("@/ingest/parse/pdf");
const { processJob, WAITING_FOR_EMBEDDER } = await import("@/ingest/processJob");
const { chunkDocument } = await import("@/ingest/chunk");
const { currentPrincipal } = await import("@/lib/auth");
const { searchReadablePassages } = await import("@/lib/searchReadablePassages");
const { ingestProgressText } = await import("@/app/library/ingestProgress");

const cfg = config();
const ocr = { langs: ["eng"], minConfidence: 60 };
const limits = { maxUnzippedBytes: 50 * 2 ** 20 };
afterAll(async () => {
  await closeParserPool();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const report = ["DISCHARGE SUMMARY", "Continue Coumadin 7 mg daily and recheck the INR.", "Follow-up visit in three weeks."];
const clause = ["7. Notices", "The supplier shall reply within two (2) working days", "of receiving a written complaint."];
const norm = (s: string) => s.replace(/\s+/g, " ");

describe("OCR of scanned pages", { timeout: 180_000 }, () => {
  test("reads an upright 300 dpi page, a page fed in sideways, and a speckled 150 dpi page", async () => {
    const pdf = await makeScannedPdf([
      { scan: { lines: report } },
      { scan: { lines: clause, rotated: true } },
      { scan: { lines: report, dpi: 150, noise: 0.01 } },
    ]);
    const steps: string[] = [];
    const doc = await parseBytes(pdf, "scan.pdf", { ...limits, ocr, onProgress: (p) => steps.push(`${p.stage} ${p.done}/${p.total}`) });
    expect(doc.pagesWithoutText).toEqual([]);
    expect(steps.filter((s) => s.startsWith("ocr"))).toEqual(["ocr 1/3", "ocr 2/3", "ocr 3/3"]);
    expect(norm(doc.pages[0].text)).toContain("Coumadin 7 mg daily");
    expect(norm(doc.pages[1].text)).toContain("within two (2) working days");
    expect(norm(doc.pages[2].text)).toContain("Coumadin 7 mg daily");
    expect(doc.pages[0].ocr).toMatchObject({ rotation: 0, lowConfidence: false });
    expect([90, 270]).toContain(doc.pages[1].ocr?.rotation);
    for (const page of doc.pages) {
      expect(page.ocr!.confidence).toBeGreaterThanOrEqual(0);
      // Every word's offsets point at its text, and its box lies on the page.
      for (const w of page.ocr!.words) {
        expect(page.text.slice(w.start, w.end)).toBe(w.text);
        expect(w.box[0]).toBeLessThan(w.box[2]);
        expect(w.box[1]).toBeLessThan(w.box[3]);
        expect(Math.min(...w.box)).toBeGreaterThanOrEqual(0);
        expect(Math.max(...w.box)).toBeLessThanOrEqual(1);
      }
    }
    // The upright page: "Coumadin" sits on the second line, in the left half.
    const coumadin = doc.pages[0].ocr!.words.find((w) => w.text === "Coumadin")!;
    expect(coumadin.box[0]).toBeLessThan(0.5);
    expect(coumadin.box[1]).toBeGreaterThan(0.15);
    expect(coumadin.box[3]).toBeLessThan(0.35);
    // Sideways: the text's lines run down the page, so a word box is taller than wide.
    const working = doc.pages[1].ocr!.words.find((w) => w.text === "working")!;
    expect(working.box[3] - working.box[1]).toBeGreaterThan(working.box[2] - working.box[0]);
  });

  test("a sheet fed in 4° askew is straightened before it is read, and its word boxes land on the askew page", async () => {
    const skewDeg = 4;
    const pdf = await makeScannedPdf([{ scan: { lines: [...report, ...clause], skewDeg } }]);
    const doc = await parseBytes(pdf, "askew.pdf", { ...limits, ocr });
    const page = doc.pages[0];
    expect(norm(page.text)).toContain("Continue Coumadin 7 mg daily and recheck the INR.");
    expect(norm(page.text)).toContain("The supplier shall reply within two (2) working days");
    expect(page.ocr!.rotation).toBe(0);
    expect(page.ocr!.skewDeg).toBeGreaterThan(skewDeg - 1);
    expect(page.ocr!.skewDeg).toBeLessThan(skewDeg + 1);
    // Where "Coumadin" was drawn (scanImage: 300 dpi, 12 pt serif, second line), turned 4° about the centre.
    const dpi = 300;
    const [w, h] = [8.5 * dpi, 5.5 * dpi];
    const g = createCanvas(10, 10).getContext("2d");
    g.font = `${Math.round((12 / 72) * dpi)}px serif`;
    const left = dpi * 0.8 + g.measureText("Continue ").width;
    const x = left + g.measureText("Coumadin").width / 2;
    const y = dpi * 0.9 + (12 / 72) * dpi * 1.6 - 0.35 * (12 / 72) * dpi;
    const a = (skewDeg * Math.PI) / 180;
    const ex = (w / 2 + (x - w / 2) * Math.cos(a) - (y - h / 2) * Math.sin(a)) / w;
    const ey = (h / 2 + (x - w / 2) * Math.sin(a) + (y - h / 2) * Math.cos(a)) / h;
    const box = page.ocr!.words.find((word) => word.text === "Coumadin")!.box;
    expect(box[0]).toBeLessThan(ex);
    expect(box[2]).toBeGreaterThan(ex);
    expect(box[1]).toBeLessThan(ey);
    expect(box[3]).toBeGreaterThan(ey);
  });

  test("a mixed PDF keeps its text pages as they are; the scanned page is found and cited by page", async () => {
    const pdf = await makeScannedPdf([
      { text: ["Page one is typed text about the supplier agreement."] },
      { scan: { lines: report } },
      { text: ["Page three is typed text: payment terms are net 30."] },
    ]);
    const without = await parseBytes(pdf, "mixed.pdf", { ...limits, ocr: null });
    expect(without.pagesWithoutText).toEqual([2]);
    expect(without.ocr).toBe("off");

    // The real sandboxed child, through the worker's job, with progress.
    const sha = "c".repeat(64);
    const file = storedFilePath(sha, cfg.filesDir);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, pdf);
    const db = openDb(cfg.dbPath);
    insertDocument(db, { id: "doc-mixed", collectionId: "default", name: "mixed.pdf", sha256: sha, sizeBytes: pdf.length, source: "upload" });
    enqueueJob(db, "doc-mixed", sha);
    const seen: string[] = [];
    let parsed: Awaited<ReturnType<typeof parseFile>> | undefined;
    const deps = {
      db,
      cfg,
      workerId: "ocr-test",
      store: async () => {
        throw new Error("no store without an embedder");
      },
      embedder: async () => {
        throw new Error("no embedder");
      },
      hasEmbedder: () => false,
      parse: async (f: string, o: Parameters<typeof parseFile>[1]) => {
        parsed = await parseFile(f, {
          ...o,
          onProgress: (p) => {
            o.onProgress?.(p);
            if (p.stage === "ocr") seen.push(ingestProgressText(getDocument(db, "doc-mixed")!));
          },
        });
        return parsed;
      },
      chunk: chunkDocument,
    };
    const job = claimNextJob(db, "ocr-test", 0, { skipStage: WAITING_FOR_EMBEDDER })!;
    expect(await processJob(job, deps)).toBe("waiting");
    expect(seen).toEqual(["reading page 2 of 3 (OCR)"]);

    // Text pages byte-identical with and without OCR.
    expect(parsed!.pages[0].text).toBe(without.pages[0].text);
    expect(parsed!.pages[2].text).toBe(without.pages[2].text);
    expect(parsed!.pages[0].ocr).toBeUndefined();
    expect(parsed!.pages[2].ocr).toBeUndefined();
    expect(parsed!.pagesWithoutText).toEqual([]);
    expect(getDocument(db, "doc-mixed")!.pagesWithoutText).toEqual([]);

    const results = await searchReadablePassages(currentPrincipal(), "Coumadin 7 mg daily");
    expect(results.length).toBeGreaterThan(0);
    expect(results[0].hit).toMatchObject({ documentId: "doc-mixed", page: 2 });
    const hit = results[0].hit;
    expect(parsed!.pages[1].text.slice(hit.charStart, hit.charEnd)).toBe(hit.text);

    // Confidence and word boxes are kept per OCR'd page for citations and the viewer.
    expect(listOcrPages(db, "doc-mixed").map((p) => p.page)).toEqual([2]);
    const stored = getOcrPage(db, "doc-mixed", 2)!;
    const word = stored.words.find((w) => w.text === "Coumadin")!;
    expect(parsed!.pages[1].text.slice(word.start, word.end)).toBe("Coumadin");
    expect(word.start).toBeGreaterThanOrEqual(hit.charStart);
    expect(word.end).toBeLessThanOrEqual(hit.charEnd);
    db.close();
  });

  test("a scan yields between OCR pages: a text file queued after it is searchable before the scan is finished", async () => {
    const filter = ["SERVICE NOTE", "Replace the intake filter every ninety days.", "Log the date on the cabinet door."];
    const pdf = await makeScannedPdf([{ scan: { lines: report } }, { scan: { lines: clause } }, { scan: { lines: filter } }]);
    const notes = Buffer.from("Boiler room\n\nThe boiler room key is kept in the blue cabinet by the stairs.\n");
    const db = openDb(cfg.dbPath);
    const store = (sha: string, data: Uint8Array) => {
      const file = storedFilePath(sha, cfg.filesDir);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, data);
    };
    const scanSha = "d".repeat(64);
    const notesSha = "e".repeat(64);
    store(scanSha, pdf);
    store(notesSha, notes);
    insertDocument(db, { id: "doc-longscan", collectionId: "default", name: "longscan.pdf", sha256: scanSha, sizeBytes: pdf.length, source: "upload" });
    insertDocument(db, { id: "doc-notes", collectionId: "default", name: "notes.txt", sha256: notesSha, sizeBytes: notes.length, source: "upload" });
    enqueueJob(db, "doc-longscan", scanSha);

    // One event log for the whole run: pages the scan OCRs, jobs as they end, what a user could find meanwhile.
    const events: string[] = [];
    const deps = {
      db,
      cfg,
      workerId: "ocr-test",
      store: async () => {
        throw new Error("no store without an embedder");
      },
      embedder: async () => {
        throw new Error("no embedder");
      },
      hasEmbedder: () => false,
      parse: (f: string, o: Parameters<typeof parseFile>[1]) =>
        parseFile(f, {
          ...o,
          // One OCR'd page per turn keeps the test short; the default is CAIRN_OCR_PAGES_PER_TURN.
          ocr: { ...ocr, pagesPerTurn: 1 },
          onProgress: (p) => {
            o.onProgress?.(p);
            if (p.stage !== "ocr") return;
            events.push(`scan ocr page ${p.done}`);
            // The text file arrives while the scan's first page is being read.
            if (p.done === 1 && o.declaredName === "longscan.pdf") enqueueJob(db, "doc-notes", notesSha);
          },
        }),
      chunk: chunkDocument,
    };
    const found = async (q: string) => (await searchReadablePassages(currentPrincipal(), q)).map((r) => `${r.hit.documentId}:${r.hit.page ?? "-"}`);
    // The worker's loop: claim the next job, run it, until nothing is left to claim.
    for (let job = claimNextJob(db, "ocr-test", 0, { skipStage: WAITING_FOR_EMBEDDER }); job; job = claimNextJob(db, "ocr-test", 0, { skipStage: WAITING_FOR_EMBEDDER })) {
      const outcome = await processJob(job, deps);
      events.push(`${job.documentId} ${outcome}`);
      if (job.documentId === "doc-notes") {
        events.push(`notes found: ${(await found("boiler room key blue cabinet")).includes("doc-notes:-")}`);
        const scan = getDocument(db, "doc-longscan")!;
        events.push(`scan ${scan.status}: ${ingestProgressText(scan)}`);
      }
    }
    expect(events).toEqual([
      "scan ocr page 1",
      "doc-longscan yielded",
      "doc-notes waiting",
      "notes found: true",
      "scan queued: read 1 of 3 pages (OCR) · paused while other documents are indexed",
      // Resumed at page 2: page 1 is not read again.
      "scan ocr page 2",
      "scan ocr page 3",
      "doc-longscan waiting",
    ]);
    // The finished scan holds every page, the one read before the pause included.
    const scan = getDocument(db, "doc-longscan")!;
    expect(scan.pagesWithoutText).toEqual([]);
    expect(scan.warnings.join(" ")).toContain("3 page(s) were read by OCR from their image: 1, 2, 3.");
    expect(listOcrPages(db, "doc-longscan").map((p) => p.page)).toEqual([1, 2, 3]);
    expect(await found("Coumadin 7 mg daily")).toContain("doc-longscan:1");
    expect(await found("intake filter every ninety days")).toContain("doc-longscan:3");
    db.close();
  });

  test("with OCR off a scan keeps today's 'no text' path", async () => {
    const pdf = await makeScannedPdf([{ scan: { lines: clause } }]);
    const doc = await parseBytes(pdf, "scan.pdf", { ...limits, ocr: null });
    expect(doc.pagesWithoutText).toEqual([1]);
    expect(doc.pages[0].text).toBe("");
    expect(doc.warnings.join(" ")).toMatch(/need OCR/);
  });

  test("no request leaves the machine: the model and the wasm core come from node_modules", async () => {
    const file = path.join(tmp, "egress-scan.pdf");
    fs.writeFileSync(file, await makeScannedPdf([{ scan: { lines: clause } }]));
    const run = async (...args: string[]) => {
      const log = path.join(tmp, `egress-${args.length}.jsonl`);
      const trap = path.join(repoRoot, "test/utils/egressTrap.mjs");
      const r = await promisify(execFile)(process.execPath, ["--import", trap, "--import", "tsx", "test/utils/ocrOnce.ts", ...args], {
        cwd: repoRoot,
        env: { ...process.env, CAIRN_EGRESS_LOG: log },
        timeout: 150_000,
      });
      const entries = fs.readFileSync(log, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { kind: string; argv?: string; target?: string });
      return { out: JSON.parse(r.stdout.trim().split("\n").pop()!) as { pages?: string[]; control?: string }, entries };
    };
    const { out, entries } = await run(file);
    expect(norm(out.pages![0])).toContain("within two (2) working days");
    // The trap was armed in the tesseract worker thread too, and saw nothing.
    expect(entries.filter((e) => e.kind === "armed" && /tesseract\.js\/src\/worker-script/.test(e.argv ?? ""))).toHaveLength(1);
    expect(entries.filter((e) => e.kind !== "armed")).toEqual([]);
    // Control: tesseract.js left to a CDN path is caught by the same trap in its thread.
    const control = await run(file, "https://cdn.jsdelivr.net/npm/@tesseract.js-data/eng/4.0.0_best_int");
    expect(control.out.control).toMatch(/fetch failed/);
    expect(control.entries.filter((e) => e.kind !== "armed").map((e) => e.target)).toContain("cdn.jsdelivr.net:443");
  });

  test("a second installed language (eng+deu) reads what English alone cannot", async () => {
    // @tesseract.js-data/deu is a devDependency for this test; both data files are linked side by side.
    const pdf = await makeScannedPdf([{ scan: { lines: ["Entlassungsbericht", "Marcumar 3 mg täglich weiter einnehmen.", "Größe und Gewicht über die Woche prüfen."] } }]);
    const read = async (langs: string[]) => norm((await parseBytes(pdf, "bericht.pdf", { ...limits, ocr: { ...ocr, langs } })).pages[0].text);
    const both = await read(["eng", "deu"]);
    expect(both).toContain("Größe und Gewicht");
    expect(both).toContain("prüfen");
    // English alone has no ß: the German model is what read it.
    expect(await read(["eng"])).not.toContain("Größe");
  });

  test("a missing OCR language is named with how to install it", async () => {
    const pdf = await makeScannedPdf([{ scan: { lines: clause } }]);
    const err = await parseBytes(pdf, "scan.pdf", { ...limits, ocr: { langs: ["eng", "xyz"], minConfidence: 60 } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ reason: "ocr_language_missing" });
    expect((err as Error).message).toMatch(/"xyz" is not installed.*npm install @tesseract\.js-data\/xyz/);
  });
});

/** An image XObject written by hand, for images pdf-lib would not embed (huge, truncated). */
async function pdfWithImage(dict: Record<string, unknown>, data: Uint8Array): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([612, 396]);
  const ref = doc.context.register(doc.context.stream(data, { Type: "XObject", Subtype: "Image", ...dict }));
  page.node.setXObject(PDFName.of("Im0"), ref);
  const ops = doc.context.stream("q 612 0 0 396 0 0 cm /Im0 Do Q");
  page.node.set(PDFName.of("Contents"), doc.context.register(ops));
  return doc.save();
}

describe("hostile scans, in the sandboxed parser", { timeout: 180_000 }, () => {
  test("a 20,000 × 20,000 px page image, a truncated JPEG, a broken JBIG2 image and 500 blank scanned pages end clearly; the worker survives", async () => {
    const huge = await pdfWithImage(
      { Width: 20_000, Height: 20_000, ColorSpace: "DeviceGray", BitsPerComponent: 8, Filter: "FlateDecode" },
      zlib.deflateSync(Buffer.alloc(20_000 * 200, 0)),
    );
    const c = createCanvas(1200, 800);
    const g = c.getContext("2d");
    g.fillStyle = "#fff";
    g.fillRect(0, 0, 1200, 800);
    g.fillStyle = "#000";
    g.font = "40px serif";
    g.fillText("Coumadin 7 mg daily", 100, 200);
    const jpeg = c.toBuffer("image/jpeg");
    const truncated = await pdfWithImage(
      { Width: 1200, Height: 800, ColorSpace: "DeviceRGB", BitsPerComponent: 8, Filter: "DCTDecode" },
      jpeg.subarray(0, Math.floor(jpeg.length / 3)),
    );
    const white = createCanvas(20, 20);
    white.getContext("2d").fillStyle = "#fff";
    white.getContext("2d").fillRect(0, 0, 20, 20);
    const blankDoc = await PDFDocument.create();
    const whitePng = await blankDoc.embedPng(white.toBuffer("image/png"));
    for (let i = 0; i < 500; i++) blankDoc.addPage([612, 396]).drawImage(whitePng, { x: 0, y: 0, width: 612, height: 396 });
    const blanks = await blankDoc.save();

    const write = (name: string, data: Uint8Array) => {
      const p = path.join(tmp, name);
      fs.writeFileSync(p, data);
      return p;
    };
    const opts = (declaredName: string) => ({ declaredName, timeoutMs: 60_000, maxMemoryMb: cfg.parseMaxMemoryMb });
    const hugeDoc = await parseFile(write("huge.pdf", huge), opts("huge.pdf"));
    expect(hugeDoc.pagesWithoutText).toEqual([1]);
    expect(hugeDoc.blankPages).toEqual([]); // not blank: its image was dropped, and the user is told so
    expect(hugeDoc.warnings.join(" ")).toMatch(/image Cairn could not read \(too large or damaged\).*1 \(Image exceeded maximum allowed size/);

    const truncDoc = await parseFile(write("trunc.pdf", truncated), opts("trunc.pdf"));
    expect(truncDoc.pagesWithoutText).toEqual([1]);
    expect(truncDoc.warnings.join(" ")).toMatch(/image Cairn could not read.*1 \(JpegImage/);

    // A JBIG2 image whose segment data is noise: pdf.js's JBIG2 decoder meets it, the page ends blank or failed.
    let seed = 7;
    const noise = Uint8Array.from({ length: 4096 }, () => (seed = (seed * 1103515245 + 12345) & 0xff));
    const jbig2 = await pdfWithImage({ Width: 2000, Height: 2000, ImageMask: true, BitsPerComponent: 1, Filter: "JBIG2Decode" }, noise);
    const jbig2Doc = await parseFile(write("jbig2.pdf", jbig2), opts("jbig2.pdf"));
    expect(jbig2Doc.pagesWithoutText).toEqual([1]);
    expect(jbig2Doc.warnings.join(" ")).toMatch(/image Cairn could not read.*1 \(.*Jbig2Error/);

    const blankResult = await parseFile(write("blank.pdf", blanks), opts("blank.pdf"));
    expect(blankResult.pagesWithoutText).toHaveLength(500);
    expect(blankResult.blankPages).toHaveLength(500);
    expect(blankResult.warnings.join(" ")).toMatch(/500 page\(s\) are blank/);

    // The worker's parser still reads a real scan afterwards.
    const after = await parseFile(write("after.pdf", await makeScannedPdf([{ scan: { lines: clause } }])), opts("after.pdf"));
    expect(norm(after.pages[0].text)).toContain("within two (2) working days");
  });

  test("an idle parser child stays small after a text PDF, and one bloated by OCR is replaced by a fresh one", async () => {
    const file = path.join(tmp, "recycle.pdf");
    fs.writeFileSync(file, await makeScannedPdf([{ scan: { lines: clause, heightIn: 11 } }]));
    const textFile = path.join(tmp, "small-text.pdf");
    fs.writeFileSync(textFile, await makeScannedPdf([{ text: ["A one-page text PDF about the supplier agreement."] }]));
    const pool = new ParserPool(1);
    try {
      await pool.warm(cfg.parseMaxMemoryMb);
      const pid = () => (pool as unknown as { slots: ({ child: { pid: number } } | undefined)[] }).slots[0]?.child.pid;
      const before = pid();
      await pool.parse({ filePath: textFile, declaredName: "small-text.pdf", maxUnzippedBytes: 1e8, timeoutMs: 60_000, maxMemoryMb: cfg.parseMaxMemoryMb, ocr });
      // pdf.js is loaded ahead of tsx (childPreload.mjs): through tsx this child held ≈ 400 MB here.
      const rssMb = Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${before}/status`, "utf8"))![1]) / 1024;
      expect(rssMb).toBeLessThan(250); // the pool's recycling threshold: a text PDF never costs a restart
      expect(pid()).toBe(before);
      const doc = await pool.parse({ filePath: file, declaredName: "recycle.pdf", maxUnzippedBytes: 1e8, timeoutMs: 60_000, maxMemoryMb: cfg.parseMaxMemoryMb, ocr });
      expect(norm(doc.pages[0].text)).toContain("within two (2) working days");
      await expect.poll(pid, { timeout: 15_000 }).not.toBe(before);
      await expect.poll(pid, { timeout: 15_000 }).toBeDefined();
    } finally {
      await pool.close();
    }
  });
});

describe("parser defects found on real PDFs", () => {
  test("junk before the %PDF- header beyond the first 1 KB", async () => {
    const pdf = await makeScannedPdf([{ text: ["Header later than one kilobyte."] }]);
    const junk = Buffer.concat([Buffer.from("X-Mailer: junk\r\n".repeat(200)), Buffer.from(pdf)]);
    const doc = await parseBytes(new Uint8Array(junk), "late.pdf", { ...limits, ocr: null });
    expect(doc.pages[0].text).toContain("Header later than one kilobyte.");
  });

  test("a Brotli-compressed page says which compression Cairn cannot read yet", async () => {
    const doc = await PDFDocument.create();
    const font = doc.embedStandardFont(StandardFonts.Helvetica);
    const page = doc.addPage([612, 396]);
    page.node.setFontDictionary(PDFName.of("F1"), font.ref);
    const content = doc.context.stream(zlib.brotliCompressSync(Buffer.from("BT /F1 12 Tf 50 300 Td (Compressed with Brotli) Tj ET\n".repeat(50))), { Filter: "BrotliDecode" });
    page.node.set(PDFName.of("Contents"), doc.context.register(content));
    const err = await parseBytes(await doc.save(), "brotli.pdf", { ...limits, ocr }).catch((e: unknown) => e);
    expect(err).toMatchObject({ reason: "unsupported_compression" });
    expect((err as Error).message).toMatch(/brotli\.pdf uses a compression \(BrotliDecode\) Cairn cannot read yet/);
  });

  test("text interleaved with NUL bytes keeps its characters", async () => {
    expect(stripNuls("\u0000D\u0000E\u0000A\u0000D\u0000L\u0000I\u0000N\u0000E")).toBe("DEADLINE");
    expect(stripNuls("no nuls")).toBe("no nuls");
    // A real PDF that extracts that way: its font's ToUnicode maps each code to two UTF-16 units, NUL first.
    const base = await PDFDocument.create();
    const font = await base.embedFont(StandardFonts.Helvetica);
    base.addPage([612, 396]).drawText("DEADLINE within two (2) working days", { x: 50, y: 300, size: 12, font });
    const doc = await PDFDocument.load(await base.save());
    const toUnicode = [
      "/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
      "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def /CMapName /Adobe-Identity-UCS def /CMapType 2 def",
      "1 begincodespacerange <00> <FF> endcodespacerange",
      "1 beginbfrange <20> <7E> <00000020> endbfrange",
      "endcmap CMapName currentdict /CMap defineresource pop end end",
    ].join("\n");
    const fonts = doc.getPage(0).node.Resources()!.lookup(PDFName.of("Font"), PDFDict);
    for (const key of fonts.keys()) doc.context.lookup(fonts.get(key), PDFDict).set(PDFName.of("ToUnicode"), doc.context.register(doc.context.stream(toUnicode)));
    const pdf = await doc.save();
    const { PDFParse } = await import("pdf-parse");
    const raw = (await new PDFParse({ data: new Uint8Array(pdf) }).getText()).pages[0].text;
    expect(raw.startsWith("\u0000D\u0000E\u0000A")).toBe(true); // what pdf.js extracts: the defect as found
    const parsed = await parseBytes(pdf, "nul.pdf", { ...limits, ocr: null });
    expect(parsed.pagesWithoutText).toEqual([]);
    expect(parsed.garbledPages).toBeUndefined();
    expect(parsed.pages[0].text).toBe("DEADLINE within two (2) working days");
  });
});
