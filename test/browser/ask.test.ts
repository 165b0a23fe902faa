import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PDFDocument, StandardFonts } from "pdf-lib";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, expect, test } from "vitest";
import type { AnswerDone, Citation } from "@/app/components/types";
import { announcementFor } from "@/app/components/utils/chatStream";
import { readAnswerEvents } from "@/app/components/utils/readSse";
import { openDb } from "@/core/db";
import { addChatMessage, createChat } from "@/core/db/queries";
import { testModelPaths } from "../modelDependent/testModels";
import { artifactsDir, launchChromium, startCairn, watchExternal, type RunningCairn } from "./utils/cairn";

// Upload → index → ask → cited answer → viewer with the passage highlighted on the right page,
// against the real test models (missing models fail here, loudly). One server for the suite;
// each test sets up what it needs itself (uploading an indexed file again is a no-op), so any
// one of them can run alone. What the small model writes is not asserted, only what Cairn
// guarantees whatever it writes; chips that must exist come from a stored answer built on the
// real indexed passage.

const FACT = "The isolation valve for pump P-101 is V-17.";

async function pdf(pages: string[][]): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const pageLines of pages) {
    const page = doc.addPage([595, 842]);
    pageLines.forEach((text, i) => page.drawText(text, { x: 50, y: 780 - i * 24, size: i === 0 ? 18 : 12, font }));
  }
  return doc.save();
}

const pumpManual = () =>
  pdf([
    ["Plant maintenance manual", "This manual describes routine inspections of the cooling circuit.", "Inspect the filters every month and record the readings in the log."],
    ["Pump isolation", "Before any maintenance on a pump, isolate it from the circuit.", FACT, "Close V-17 fully and lock it before opening the pump casing."],
    ["Appendix", "The emergency lighting is tested twice a year.", "Spare fuses are kept in the electrical room."],
  ]);

let app: RunningCairn;
let browser: Browser;
let dir: string;
let pdfPath: string;
const pages: Page[] = [];

beforeAll(async () => {
  const models = testModelPaths();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-ask-"));
  pdfPath = path.join(dir, "pump-manual.pdf");
  fs.writeFileSync(pdfPath, await pumpManual());
  // One model thread (unless the run asks for more) and a bounded answer keep the test steady on a busy 2-core machine.
  app = await startCairn({
    CAIRN_LLM_MODEL: models.llm,
    CAIRN_EMBED_MODEL: models.embedder,
    CAIRN_MODEL_THREADS: process.env.CAIRN_MODEL_THREADS ?? "1",
    CAIRN_ASK_ANSWER_TOKENS: "160",
  });
  browser = await launchChromium();
});

afterEach(async () => {
  await Promise.all(pages.splice(0).map((p) => p.close()));
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

// ---- setup helpers (through the API, as a script would) ----

async function openPage(viewport = { width: 1366, height: 900 }): Promise<{ page: Page; external: string[] }> {
  const page = await browser.newPage({ viewport });
  pages.push(page);
  page.on("pageerror", (e) => console.error("page error:", e));
  return { page, external: watchExternal(page) };
}

function shot(page: Page, name: string) {
  fs.mkdirSync(artifactsDir, { recursive: true });
  return page.screenshot({ path: path.join(artifactsDir, name), fullPage: true });
}

interface LibraryDocument {
  id: string;
  name: string;
  status: string;
  errorMessage: string | null;
}

async function listDocuments(): Promise<LibraryDocument[]> {
  return (await (await fetch(`${app.url}/api/documents`)).json()).documents;
}

/** Uploads a file (a no-op if it is already there) and waits until the worker has indexed it. */
async function uploadAndIndex(file: string, timeoutMs = 240_000): Promise<LibraryDocument> {
  const form = new FormData();
  form.append("file", new Blob([fs.readFileSync(file)]), path.basename(file));
  const res = await fetch(`${app.url}/api/documents`, { method: "POST", body: form });
  const body = await res.json();
  expect(res.status, JSON.stringify(body)).toBe(202);
  const id: string = body.results[0].document.id;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const doc = (await listDocuments()).find((d) => d.id === id);
    if (doc?.status === "indexed") return doc;
    if (doc?.status === "failed") throw new Error(`indexing ${file} failed: ${doc.errorMessage}\n${app.logs()}`);
    if (Date.now() > deadline) throw new Error(`${file} not indexed in ${timeoutMs / 1000} s (status ${doc?.status})\n${app.logs()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The indexed page-2 passage of the pump manual, as a citation: real chunk, real offsets. */
async function page2Citation(n: number): Promise<Citation> {
  const doc = await uploadAndIndex(pdfPath);
  const res = await fetch(`${app.url}/api/search?${new URLSearchParams({ q: "isolation valve P-101 V-17", limit: "20" })}`);
  const { results } = await res.json();
  const hit = results.find((r: { documentId: string; page: number; text: string }) => r.documentId === doc.id && r.page === 2 && r.text.includes("V-17"));
  expect(hit, `the page-2 passage is found: ${JSON.stringify(results)}`).toBeTruthy();
  const { chunkId, documentId, collectionId, fileName, page, headingPath, charStart, charEnd, text } = hit;
  return { n, chunkId, documentId, collectionId, fileName, page, headingPath, charStart, charEnd, quote: text };
}

/**
 * A chat saved with one answer written here rather than by the model: "[1]" from the model,
 * a second "[1]" added by wording (as lib/ask does for an uncited sentence that copies the
 * passage), and a last sentence with no support.
 */
async function storedAnswerChat(): Promise<{ chatId: string; answer: string }> {
  const source = await page2Citation(1);
  const chatId = randomUUID();
  const question = "Which valve isolates pump P-101?";
  const answer = "The isolation valve for pump P-101 is V-17 [1]. Close V-17 fully and lock it before opening the pump casing [1]. It is always painted red.";
  const added = answer.lastIndexOf("[1]");
  const metadata: Omit<AnswerDone, "answer" | "messageId"> = {
    answered: true,
    aborted: false,
    citations: [source],
    dropped: [],
    unsupportedSentences: [{ start: answer.indexOf("It is"), end: answer.length, text: "It is always painted red." }],
    attributed: [{ n: 1, coverage: 1, sharedRun: 12, start: added, end: added + 3 }],
    sources: [source],
    leftOut: [],
    retrieval: { query: question, condensed: false, promptTokens: 0, historyLeftOut: 0 },
    timings: { embedMs: 0, searchMs: 0, queuedMs: 0, generationMs: 0, totalMs: 0 },
  };
  storeChat(chatId, "Stored answer with a citation", question, answer, metadata);
  return { chatId, answer };
}

/** A chat saved straight into the app's metadata db: one question and its answer with the given metadata. */
function storeChat(chatId: string, title: string, question: string, answer: string, metadata: Omit<AnswerDone, "answer" | "messageId">): void {
  const db = openDb(path.join(app.dataDir, "cairn.db"));
  createChat(db, { id: chatId, userId: "local", title });
  addChatMessage(db, { chatId, role: "user", content: question });
  addChatMessage(db, { chatId, role: "assistant", content: answer, metadata });
}

/** Asks through POST /api/ask, as the page does, and returns the typed events' outcome. */
async function askThroughApi(question: string): Promise<{ chatId: string; title: string; done: AnswerDone }> {
  const res = await fetch(`${app.url}/api/ask`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ question }) });
  expect(res.status).toBe(200);
  let chat: { chatId: string; title: string } | undefined;
  let done: AnswerDone | undefined;
  await readAnswerEvents(res.body!, (e) => {
    if (e.type === "chat") chat = e;
    else if (e.type === "done") done = e.result;
    else if (e.type === "error") throw new Error(`${e.error.code}: ${e.error.message}\n${app.logs()}`);
  });
  expect(chat && done, "the stream has a chat and a done event").toBeTruthy();
  return { chatId: chat!.chatId, title: chat!.title, done: done! };
}

async function savedAnswer(chatId: string): Promise<string> {
  const saved = await (await fetch(`${app.url}/api/chats/${chatId}`)).json();
  return saved.messages.find((m: { role: string }) => m.role === "assistant").content;
}

/** Chip numbers and origins an answer must show: one per number in each [n] of the final answer. */
function expectedChips(done: Pick<AnswerDone, "answer" | "attributed" | "sentences">): { n: string; origin: string; verdict: string }[] {
  const byWording = new Set((done.attributed ?? []).map((a) => `${a.start}:${a.end}`));
  // A chip carries the verdict of the sentence it sits in (or the last one ending before it).
  const verdictAt = (pos: number) => (done.sentences ?? []).filter((s) => s.start <= pos).at(-1)?.verdict ?? "pending";
  return [...done.answer.matchAll(/\[(\d+(?:\s*,\s*\d+)*)\]/g)].flatMap((m) =>
    m[1].split(",").map((n) => ({ n: n.trim(), origin: byWording.has(`${m.index}:${m.index + m[0].length}`) ? "wording" : "model", verdict: verdictAt(m.index) })),
  );
}

async function waitForViewerHighlight(page: Page, words: string) {
  await page.waitForURL(/\/view\//);
  await expect.poll(() => page.getByTestId("viewer-page").textContent(), { timeout: 60_000 }).toContain("Page 2 of 3");
  await page.getByTestId("pdf-highlight").first().waitFor({ timeout: 60_000 });
  const highlighted = (await page.getByTestId("pdf-highlight").allTextContents()).join("");
  expect(highlighted).toContain(words);
  expect(await page.getByTestId("pdf-page").getAttribute("data-page")).toBe("2");
  expect(await page.locator(".cairn-pdf-page canvas").count()).toBe(1);
}

// ---- library ----

test("a PDF dropped on the library page is indexed, with progress, through a labelled file input", async () => {
  const { page, external } = await openPage();
  // Its own file, so this upload is never a duplicate of another test's.
  const file = path.join(dir, "inspection-schedule.pdf");
  fs.writeFileSync(file, await pdf([["Inspection schedule", "The cooling tower fans are inspected every spring."], ["Records", "Readings go into the plant log book."]]));
  await page.goto(`${app.url}/library`);
  const input = page.getByLabel(/Choose files/);
  expect(await input.getAttribute("type"), "the file input is named by its label").toBe("file");
  expect(await page.locator('[role="button"]').count(), "no div posing as a button").toBe(0);
  await input.setInputFiles(file);
  const row = page.getByTestId("document-row").filter({ hasText: "inspection-schedule.pdf" });
  await row.waitFor({ timeout: 30_000 });
  const seen = new Set<string>();
  let sawProgressBar = false;
  const deadline = Date.now() + 240_000;
  for (;;) {
    const status = (await row.getAttribute("data-status")) ?? "";
    seen.add(status);
    if ((await row.getByTestId("ingest-progress").count()) > 0) sawProgressBar = true;
    if (status === "indexed") break;
    if (status === "failed") throw new Error(`indexing failed: ${await row.textContent()}\n${app.logs()}`);
    if (Date.now() > deadline) throw new Error(`not indexed in 240 s (statuses seen: ${[...seen].join(", ")})\n${app.logs()}`);
    await page.waitForTimeout(200);
  }
  console.log(`ingest statuses seen: ${[...seen].join(" → ")}; progress bar seen: ${sawProgressBar}`);
  expect(await row.textContent()).toContain("Indexed");
  expect(await row.getByRole("link", { name: "inspection-schedule.pdf" }).count()).toBe(1);
  await shot(page, "library.png");
  expect(external).toEqual([]);
});

test("each Delete button names its file, and deleting asks first, then removes the document and its passages", async () => {
  const keep = path.join(dir, "keep-me.txt");
  const doomed = path.join(dir, "old-register.txt");
  fs.writeFileSync(keep, "Keep register\n\nThe vent valve for tank T-2 is A-3.\n");
  fs.writeFileSync(doomed, "Old register\n\nThe bypass valve for tank T-8 is Q-44 (zephyrine line).\n");
  await uploadAndIndex(keep);
  await uploadAndIndex(doomed);
  const { page, external } = await openPage();
  await page.goto(`${app.url}/library`);
  const rows = page.getByTestId("document-row");
  await rows.filter({ hasText: "old-register.txt" }).waitFor();
  // Every row's button says which file it deletes.
  const names = await rows.evaluateAll((trs) =>
    trs.map((tr) => [tr.querySelector("td a, td .font-medium")?.textContent?.trim(), tr.querySelector('button[aria-label^="Delete"]')?.getAttribute("aria-label")]),
  );
  expect(names.length).toBeGreaterThanOrEqual(2);
  for (const [name, label] of names) expect(label).toBe(`Delete ${name}`);
  expect(await page.getByRole("button", { name: "Delete", exact: true }).count(), "no button named just Delete").toBe(0);

  const dialogs: string[] = [];
  page.once("dialog", (d) => {
    dialogs.push(d.message());
    void d.accept();
  });
  await page.getByRole("button", { name: "Delete old-register.txt" }).click();
  await expect.poll(() => rows.filter({ hasText: "old-register.txt" }).count(), { timeout: 30_000 }).toBe(0);
  expect(dialogs).toEqual(['Delete "old-register.txt" and its index?']);
  expect(await rows.filter({ hasText: "keep-me.txt" }).count()).toBe(1);
  const search = await (await fetch(`${app.url}/api/search?${new URLSearchParams({ q: "zephyrine bypass Q-44" })}`)).json();
  expect(search.results.filter((r: { fileName: string }) => r.fileName === "old-register.txt")).toEqual([]);
  expect(external).toEqual([]);
});

// ---- asking ----

test("a question streams its answer into a busy message; the finished answer is announced once and saved as shown", async () => {
  const doc = await uploadAndIndex(pdfPath);
  const { page, external } = await openPage();
  await page.goto(app.url);
  expect(await page.getByTestId("conversation").getAttribute("aria-live"), "the conversation is not a live region").toBeNull();
  // Record, at every DOM change, whether the answer is busy, has streamed text, and what the live region says.
  await page.evaluate(() => {
    const w = window as unknown as { __seen: { busy: string | null; streamed: boolean; announced: string }[] };
    w.__seen = [];
    new MutationObserver(() => {
      const a = [...document.querySelectorAll('[data-testid="answer"]')].pop();
      if (!a) return;
      const streamed = !a.querySelector('[data-testid="phase"]') && (a.textContent ?? "").trim().length > 0;
      w.__seen.push({ busy: a.getAttribute("aria-busy"), streamed, announced: document.querySelector('[data-testid="answer-announcer"]')?.textContent ?? "" });
    }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  });
  const box = page.getByLabel("Your question");
  await box.fill("Which valve isolates pump P-101?");
  await box.press("Enter"); // Enter sends
  const answer = page.getByTestId("answer").last();
  await page.locator('[data-testid="answer"][aria-busy="false"]').last().waitFor({ timeout: 240_000 });
  const answerText = (await answer.textContent()) ?? "";
  console.log(`answer: ${answerText}`);
  expect(await answer.getByRole("alert").count(), `answer failed: ${answerText}\n${app.logs()}`).toBe(0);
  expect(answerText).not.toContain("I found nothing about this");

  const seen = await page.evaluate(() => (window as unknown as { __seen: { busy: string | null; streamed: boolean; announced: string }[] }).__seen);
  expect(seen.some((s) => s.busy === "true" && s.streamed), "text appeared while the answer was still busy (streaming)").toBe(true);
  expect(seen.filter((s) => s.busy === "true").map((s) => s.announced), "nothing is announced while streaming").toEqual(seen.filter((s) => s.busy === "true").map(() => ""));

  // The live region holds the finished answer (as saved), once.
  const chatId = new URL(page.url()).searchParams.get("chat");
  expect(chatId, "the address names the new chat").toBeTruthy();
  const saved = await savedAnswer(chatId!);
  const announcer = page.getByTestId("answer-announcer");
  expect(await announcer.getAttribute("role")).toBe("status");
  expect(await announcer.textContent()).toBe(announcementFor(saved));

  // Every passage the model was given is listed; the one holding the fact is among them.
  const sources = page.getByTestId("source");
  expect(await sources.count()).toBeGreaterThan(0);
  expect(await sources.filter({ hasText: `${doc.name}, page 2` }).count(), "the page-2 passage is among the sources").toBeGreaterThan(0);
  await shot(page, "chat.png");
  expect(external).toEqual([]);
});

test("every chip of a real answer opens a listed source, and the saved chat reopens with the same answer and chips", async () => {
  await uploadAndIndex(pdfPath);
  const question = "How is pump P-101 isolated before maintenance?";
  const { title, done } = await askThroughApi(question);
  const expected = expectedChips(done);
  console.log(`answer: ${done.answer}\nchips: ${JSON.stringify(expected)}`);
  // Markers to passages that were not given never reach the answer: each one left is a citation.
  const cited = done.citations.map((c) => String(c.n));
  for (const { n } of expected) expect(cited).toContain(n);

  const { page, external } = await openPage();
  await page.goto(app.url);
  await page.getByTestId("chat-list").getByRole("button", { name: title, exact: true }).click();
  const answer = page.getByTestId("answer").first();
  await answer.waitFor();
  expect(await page.getByTestId("conversation").textContent()).toContain(question);
  const chips = answer.getByTestId("citation-chip");
  const shown = await chips.evaluateAll((els) =>
    els.map((e) => ({ n: (e.textContent ?? "").trim(), origin: e.getAttribute("data-origin") ?? "", verdict: e.getAttribute("data-verdict") ?? "" })),
  );
  expect(shown).toEqual(expected);
  for (const [i, { n, origin, verdict }] of shown.entries()) {
    const label = (await chips.nth(i).getAttribute("aria-label")) ?? "";
    const verdictNotes: Record<string, string> = {
      verified: "verified",
      not_in_cited: "not found in the cited passage",
      other_document: "from another document than the one asked about",
    };
    const notes = [verdictNotes[verdict] ?? null, origin === "wording" ? "matched by wording — the model did not cite this itself" : null];
    expect(label).toBe([`Source ${n}`, ...notes.filter(Boolean)].join(", "));
    // Each chip's source is one of the passages the model was given, listed in the panel.
    expect(done.sources.map((s) => String(s.n))).toContain(n);
    await chips.nth(i).click();
    const card = page.locator(`[data-testid="source"][data-n="${n}"]`);
    await expect.poll(() => card.getAttribute("class")).toContain("ring-2");
    expect(await card.getAttribute("data-cited")).not.toBe("no");
  }
  expect(await page.getByTestId("source").count()).toBe(done.sources.length);
  expect(external).toEqual([]);
});

// ---- citations (a stored answer: the chips must exist, whatever the model would write) ----

test("clicking a citation chip selects its source, and the source opens page 2 with the cited words highlighted", async () => {
  const { chatId } = await storedAnswerChat();
  const { page, external } = await openPage();
  await page.goto(`${app.url}/?chat=${chatId}`);
  const chip = page.getByTestId("citation-chip").first();
  await chip.waitFor();
  await chip.click();
  const card = page.locator('[data-testid="source"][data-n="1"]');
  await expect.poll(() => card.getAttribute("class")).toContain("ring-2");
  expect(await card.textContent()).toContain("pump-manual.pdf, page 2");
  expect(await card.getAttribute("data-cited")).toBe("model");
  await shot(page, "chat-chip.png");
  await card.getByTestId("open-source").click();
  await waitForViewerHighlight(page, "V-17");
  await shot(page, "viewer.png");
  expect(external).toEqual([]);
});

test("a stored answer shows the model's chips solid, chips added by wording dashed and labelled, unsupported sentences marked", async () => {
  const { chatId } = await storedAnswerChat();
  const { page, external } = await openPage();
  await page.goto(`${app.url}/?chat=${chatId}`);
  const chips = page.getByTestId("citation-chip");
  await chips.first().waitFor();
  expect(await chips.evaluateAll((els) => els.map((e) => e.getAttribute("data-origin")))).toEqual(["model", "wording"]);
  expect(await chips.nth(0).getAttribute("aria-label")).toBe("Source 1");
  expect(await chips.nth(1).getAttribute("aria-label")).toBe("Source 1, matched by wording — the model did not cite this itself");
  expect(await chips.nth(1).getAttribute("class")).toContain("border-dashed");
  expect(await page.getByTestId("unsupported").textContent()).toContain("painted red");
  // A reopened chat announces nothing: only answers finished while the page watched are read out.
  expect(await page.getByTestId("answer-announcer").textContent()).toBe("");
  expect(external).toEqual([]);
});

// ---- verified answers (issue 14) ----

test("a question about a drug no document mentions gets Cairn's own answer naming it, the closest passage cited, the model not asked", async () => {
  await uploadAndIndex(pdfPath);
  const { page, external } = await openPage();
  await page.goto(app.url);
  const box = page.getByLabel("Your question");
  await box.fill("What daily dose of lisinopril is taken before isolating pump P-101?");
  await box.press("Enter");
  const answer = page.locator('[data-testid="answer"][aria-busy="false"]').last();
  await answer.waitFor({ timeout: 240_000 });
  const text = (await answer.textContent()) ?? "";
  expect(text).toContain("Your documents don't mention “lisinopril”.");
  expect(text).toContain("The closest passage, in ");
  expect(await answer.getByTestId("refusal-note").getAttribute("data-reason")).toBe("terms_missing");
  // The quoted passage's chip is verified, and its source card marks the quoted words.
  const chip = answer.getByTestId("citation-chip");
  expect(await chip.count()).toBe(1);
  expect(await chip.getAttribute("data-verdict")).toBe("verified");
  await chip.click();
  const n = (await chip.textContent())!.trim();
  expect(await page.locator(`[data-testid="source"][data-n="${n}"] [data-testid="support"]`).count()).toBeGreaterThan(0);
  await shot(page, "refusal-lisinopril.png");
  expect(external).toEqual([]);
});

test("a stored answer shows verified chips, an amber chip where the cited passage lacks the value, and the withheld sentence's note", async () => {
  const source = await page2Citation(1);
  const chatId = randomUUID();
  const question = "Which valve isolates pump P-101?";
  const answer = "The isolation valve for pump P-101 is V-17 [1]. Its rated pressure is 16 bar [1].";
  const second = answer.indexOf("Its rated");
  const quoteAt = source.quote.indexOf("V-17");
  const metadata: Omit<AnswerDone, "answer" | "messageId"> = {
    answered: true,
    aborted: false,
    citations: [source],
    dropped: [],
    unsupportedSentences: [],
    attributed: [],
    refusal: null,
    sentences: [
      { start: 0, end: second - 1, text: answer.slice(0, second - 1), citations: [1], verdict: "verified", claims: ["V-17"], missingClaims: [], support: [{ n: 1, charStart: source.charStart + quoteAt, charEnd: source.charStart + quoteAt + 4 }] },
      { start: second, end: answer.length, text: answer.slice(second), citations: [1], verdict: "not_in_cited", claims: ["16 bar"], missingClaims: ["16 bar"], support: [] },
    ],
    withheld: [{ text: "It was replaced in 2031.", values: ["2031"], reason: "value_not_in_passages" }],
    recited: [],
    sources: [source],
    leftOut: [],
    retrieval: { query: question, condensed: false, promptTokens: 0, historyLeftOut: 0 },
    timings: { embedMs: 0, searchMs: 0, queuedMs: 0, generationMs: 0, totalMs: 0 },
  };
  storeChat(chatId, "Stored answer with verdicts", question, answer, metadata);

  const { page, external } = await openPage();
  await page.goto(`${app.url}/?chat=${chatId}`);
  const chips = page.getByTestId("citation-chip");
  await chips.first().waitFor();
  expect(await chips.evaluateAll((els) => els.map((e) => e.getAttribute("data-verdict")))).toEqual(["verified", "not_in_cited"]);
  expect(await chips.nth(0).getAttribute("aria-label")).toBe("Source 1, verified");
  expect(await chips.nth(1).getAttribute("aria-label")).toBe("Source 1, not found in the cited passage");
  const unverified = (await page.getByTestId("not-in-cited").allTextContents()).join("");
  expect(unverified).toContain("Its rated pressure is 16 bar");
  expect(unverified).toContain("(not found in the cited passage)");
  // "No citation" is a different mark from "not in the cited passage".
  expect(await page.getByTestId("unsupported").count()).toBe(0);
  const note = page.getByTestId("withheld-note");
  expect(await note.textContent()).toContain("1 sentence was withheld");
  expect(await note.textContent()).toContain("“2031”");
  expect(await page.locator('[data-testid="support"]').allTextContents()).toEqual(["V-17"]);
  await shot(page, "verdicts.png");
  expect(external).toEqual([]);
});

test("by keyboard at tablet width: Enter on a chip focuses its source's link, Enter there opens the page highlighted", async () => {
  const { chatId } = await storedAnswerChat();
  const { page, external } = await openPage({ width: 820, height: 1100 });
  await page.goto(`${app.url}/?chat=${chatId}`);
  const chip = page.getByTestId("citation-chip").first();
  await chip.waitFor();
  await chip.focus();
  await page.keyboard.press("Enter");
  const card = page.locator('[data-testid="source"][data-n="1"]');
  await expect.poll(() => card.getAttribute("class")).toContain("ring-2");
  await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("data-testid"))).toBe("open-source");
  await shot(page, "chat-tablet.png");
  await page.keyboard.press("Enter");
  await waitForViewerHighlight(page, "V-17");
  expect(external).toEqual([]);
});

// ---- passage search ----

test("passage search finds the PDF's passage without the LLM and highlights the matched words", async () => {
  await uploadAndIndex(pdfPath);
  const { page, external } = await openPage();
  await page.goto(app.url);
  await page.getByRole("tab", { name: "Search passages" }).click();
  const box = page.getByRole("searchbox");
  await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("type")), { message: "clicking the tab puts the cursor in the box" }).toBe("search");
  await box.fill("isolation valve");
  const hit = page.getByTestId("search-result").filter({ hasText: "pump-manual.pdf, page 2" });
  await hit.waitFor({ timeout: 30_000 });
  const marks = await hit.locator("mark").allTextContents();
  expect(marks.map((m) => m.toLowerCase())).toContain("valve");
  await shot(page, "search.png");
  expect(external).toEqual([]);
});

test("a text file's passage found by search opens in the viewer with the passage highlighted", async () => {
  const txt = path.join(dir, "valves.txt");
  fs.writeFileSync(txt, "Valve register\n\nThe drain valve for tank T-4 is D-9. It is checked weekly.\n");
  await uploadAndIndex(txt);
  const { page, external } = await openPage({ width: 820, height: 1100 });
  await page.goto(app.url);
  await page.getByRole("tab", { name: "Search passages" }).click();
  await page.getByRole("searchbox").fill("drain valve tank");
  await page.getByTestId("search-result").filter({ hasText: "valves.txt" }).getByRole("link").first().click();
  await page.waitForURL(/\/view\//);
  await page.getByTestId("text-highlight").waitFor({ timeout: 30_000 });
  expect(await page.getByTestId("text-highlight").textContent()).toContain("D-9");
  await shot(page, "viewer-text.png");
  expect(external).toEqual([]);
});
