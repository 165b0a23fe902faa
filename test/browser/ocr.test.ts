import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import type { Browser } from "playwright-core";
import type { AnswerDone, Citation } from "@/app/components/types";
import { openDb } from "@/core/db";
import { addChatMessage, createChat } from "@/core/db/queries";
import { testModelPaths } from "../modelDependent/testModels";
import { makeScannedPdf } from "../utils/scannedPdf";
import { artifactsDir, launchChromium, startCairn, watchExternal, type RunningCairn } from "./utils/cairn";

// A mixed PDF (typed page, scanned page, typed page) uploaded to the real app and worker:
// the scanned page is OCR'd, found by search with its page number, and the viewer draws the
// cited words' highlight from the OCR word boxes (the scan has no text layer). The low-confidence
// threshold is set above what the clean scan reads (≈ 96 %), so its citations are marked too.

let app: RunningCairn;
let browser: Browser;

beforeAll(async () => {
  const models = testModelPaths();
  app = await startCairn({ CAIRN_EMBED_MODEL: models.embedder, CAIRN_MODEL_THREADS: "1", CAIRN_WORKER_POLL_MS: "200", CAIRN_OCR_MIN_CONFIDENCE: "99" });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

test("a scanned page is searchable, cited by page, and highlighted on the page image", async () => {
  const pdf = await makeScannedPdf([
    { text: ["Discharge letter, page one: typed administrative details."] },
    { scan: { lines: ["DISCHARGE SUMMARY", "Continue Coumadin 7 mg daily and recheck the INR.", "Follow-up visit in three weeks."] } },
    { text: ["Page three, typed: the supplier replies within ten days."] },
  ]);
  const form = new FormData();
  form.append("file", new Blob([Buffer.from(pdf)]), "faxed-discharge.pdf");
  const res = await fetch(`${app.url}/api/documents`, { method: "POST", body: form });
  expect(res.status).toBe(202);
  const id: string = (await res.json()).results[0].document.id;
  for (const deadline = Date.now() + 240_000; ; ) {
    const doc = (await (await fetch(`${app.url}/api/documents`)).json()).documents.find((d: { id: string }) => d.id === id);
    if (doc?.status === "indexed") break;
    if (doc?.status === "failed") throw new Error(`indexing failed: ${doc.errorMessage}\n${app.logs()}`);
    if (Date.now() > deadline) throw new Error(`not indexed in time (${doc?.status})\n${app.logs()}`);
    await new Promise((r) => setTimeout(r, 300));
  }

  const search = await (await fetch(`${app.url}/api/search?${new URLSearchParams({ q: "Coumadin 7 mg daily" })}`)).json();
  const hit = search.results.find((r: { documentId: string }) => r.documentId === id);
  expect(hit, JSON.stringify(search)).toMatchObject({ page: 2 });
  expect(hit.text).toMatch(/Coumadin 7 mg daily/);

  const page = await browser.newPage({ viewport: { width: 1200, height: 1300 } });
  const external = watchExternal(page);
  const phraseStart = hit.charStart + hit.text.indexOf("Coumadin 7 mg daily");
  await page.goto(
    `${app.url}/view/${id}?page=2&start=${hit.charStart}&end=${hit.charEnd}&sstart=${phraseStart}&send=${phraseStart + "Coumadin 7 mg daily".length}`,
  );
  const strong = page.locator('[data-testid="ocr-layer"] mark[data-strength="support"]');
  await strong.first().waitFor({ timeout: 60_000 });
  expect(await strong.evaluateAll((ms) => ms.map((m) => (m as HTMLElement).dataset.word))).toEqual(["Coumadin", "7", "mg", "daily"]);
  await expect.poll(() => page.getByTestId("ocr-note").textContent()).toMatch(/^Low-confidence OCR \(\d+%\).*check the page image/);

  // The marks cover the phrase where it is drawn: the second line, left part of the page image.
  const pageBox = (await page.getByTestId("pdf-page").boundingBox())!;
  const boxes = await strong.evaluateAll((ms) => ms.map((m) => m.getBoundingClientRect().toJSON() as DOMRect));
  const left = Math.min(...boxes.map((b) => b.x));
  const right = Math.max(...boxes.map((b) => b.x + b.width));
  const top = Math.min(...boxes.map((b) => b.y));
  const bottom = Math.max(...boxes.map((b) => b.y + b.height));
  // scanImage draws line i at 0.9 in + i·1.6·12 pt (baseline) on a 5.5 in page, from 0.8 in.
  const y = (inches: number) => pageBox.y + (inches / 5.5) * pageBox.height;
  const x = (inches: number) => pageBox.x + (inches / 8.5) * pageBox.width;
  expect(left).toBeGreaterThan(x(1.5));
  expect(right).toBeLessThan(x(6));
  expect(top).toBeGreaterThan(y(0.9 + 0.27 - 0.25));
  expect(bottom).toBeLessThan(y(0.9 + 0.27 + 0.1));
  // Words are boxes of plausible size: each taller than 1/3 of a 12 pt line and narrower than the page.
  for (const b of boxes) {
    expect(b.height).toBeGreaterThan(((12 / 72 / 5.5) * pageBox.height) / 3);
    expect(b.width).toBeLessThan(pageBox.width / 2);
  }
  fs.mkdirSync(artifactsDir, { recursive: true });
  await page.screenshot({ path: `${artifactsDir}/ocr-viewer.png`, fullPage: true });

  await page.goto(`${app.url}/library`);
  await page.getByText("faxed-discharge.pdf").first().waitFor();
  await expect.poll(() => page.locator('[data-testid="document-row"]').first().textContent()).toMatch(/read by OCR from their image: 2/);
  expect(await page.locator('[data-testid="document-row"]').first().textContent()).toMatch(/Low-confidence OCR on page\(s\) 2 \(\d+%\)/);
  await page.screenshot({ path: `${artifactsDir}/ocr-library.png`, fullPage: true });

  // An answer citing the scanned page: its source card says the page's OCR is low-confidence.
  const source: Citation = {
    n: 1,
    chunkId: hit.chunkId,
    documentId: id,
    collectionId: hit.collectionId,
    fileName: "faxed-discharge.pdf",
    page: 2,
    headingPath: hit.headingPath,
    charStart: hit.charStart,
    charEnd: hit.charEnd,
    quote: hit.text,
  };
  const answer = "Continue Coumadin 7 mg daily [1].";
  const metadata: Omit<AnswerDone, "answer" | "messageId"> = {
    answered: true,
    aborted: false,
    citations: [source],
    dropped: [],
    unsupportedSentences: [],
    attributed: [],
    sources: [source],
    leftOut: [],
    retrieval: { query: "What dose of Coumadin?", condensed: false, promptTokens: 0, historyLeftOut: 0 },
    timings: { embedMs: 0, searchMs: 0, queuedMs: 0, generationMs: 0, totalMs: 0 },
  };
  const chatId = randomUUID();
  const db = openDb(path.join(app.dataDir, "cairn.db"));
  createChat(db, { id: chatId, userId: "local", title: "Coumadin dose" });
  addChatMessage(db, { chatId, role: "user", content: "What dose of Coumadin?" });
  addChatMessage(db, { chatId, role: "assistant", content: answer, metadata });
  await page.goto(`${app.url}/?chat=${chatId}`);
  await page.getByTestId("citation-chip").first().click();
  const card = page.locator('[data-testid="source"][data-n="1"]');
  await card.getByTestId("low-confidence-ocr").waitFor({ timeout: 30_000 });
  expect(await card.textContent()).toContain("faxed-discharge.pdf, page 2");
  // The chip in the answer text says so too.
  const chip = page.getByTestId("citation-chip").first();
  await expect.poll(() => chip.getAttribute("data-ocr")).toBe("low");
  expect(await chip.getAttribute("aria-label")).toContain("low-confidence OCR");
  await page.screenshot({ path: `${artifactsDir}/ocr-citation.png`, fullPage: true });
  // The route is permission-checked like the file: an unknown document is not found.
  expect((await fetch(`${app.url}/api/documents/${randomUUID()}/ocr`)).status).toBe(404);
  expect(await (await fetch(`${app.url}/api/documents/${id}/ocr`)).json()).toMatchObject({ pages: [{ page: 2, lowConfidence: true }] });
  expect(external).toEqual([]);
  await page.close();
});

test("the library shows which page is being read by OCR; a text file uploaded after the scan is indexed before it", async () => {
  const lines = (n: number) => [`Equipment manual, scanned page ${n}.`, "Inspect the cooling filters every month.", "Close valve V-17 before opening the casing."];
  // Six pages: on an idle machine three were read between two polls of the library and the line was never shown.
  const pdf = await makeScannedPdf([1, 2, 3, 4, 5, 6].map((n) => ({ scan: { lines: lines(n) } })));
  const page = await browser.newPage({ viewport: { width: 1200, height: 700 } });
  const upload = async (name: string, data: Uint8Array) => {
    const form = new FormData();
    form.append("file", new Blob([Buffer.from(data)]), name);
    const res = await fetch(`${app.url}/api/documents`, { method: "POST", body: form });
    expect(res.status).toBe(202);
    return (await res.json()).results[0].document.id as string;
  };
  const scanId = await upload("scanned-manual.pdf", pdf);
  // Queued behind the scan: the scan yields to it after CAIRN_OCR_PAGES_PER_TURN (3) pages.
  const notesId = await upload("shift-notes.txt", Buffer.from("Shift notes\n\nThe spare fuses are in the drawer under the control desk.\n"));
  // Opened after the upload, the library sees a busy document at once and polls at its fast rate.
  await page.goto(`${app.url}/library`);
  const row = page.locator('[data-testid="document-row"]', { hasText: "scanned-manual.pdf" });
  await row.getByText(/reading page [1-6] of 6 \(OCR\)/).waitFor({ timeout: 120_000 });
  await page.screenshot({ path: `${artifactsDir}/ocr-progress.png`, fullPage: true });
  const notesRow = page.locator('[data-testid="document-row"]', { hasText: "shift-notes.txt" });
  await notesRow.and(page.locator('[data-status="indexed"]')).waitFor({ timeout: 240_000 });
  // The text file indexed while the scan's later pages are still to be read.
  await page.screenshot({ path: `${artifactsDir}/ocr-yield.png`, fullPage: true });
  await row.and(page.locator('[data-status="indexed"]')).waitFor({ timeout: 240_000 });
  // Order of events: the text file's last change (indexed) came before the scan's.
  const docs: { id: string; status: string; updatedAt: string }[] = (await (await fetch(`${app.url}/api/documents`)).json()).documents;
  const [scan, notes] = [scanId, notesId].map((id) => docs.find((d) => d.id === id)!);
  expect([scan.status, notes.status]).toEqual(["indexed", "indexed"]);
  expect(notes.updatedAt < scan.updatedAt, `${notes.updatedAt} vs ${scan.updatedAt}`).toBe(true);
  // Every page read once across the turns, the ones before the pause included.
  expect((scan as unknown as { warnings: string[] }).warnings).toContain("6 page(s) were read by OCR from their image: 1, 2, 3, 4, 5, 6.");
  await page.close();
});
