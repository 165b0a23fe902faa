import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, expect, test } from "vitest";
import { viewerHref, type SearchResult } from "@/app/components/types";
import { supportRange } from "@/lib/supportSpans";
import { testModelPaths } from "../modelDependent/testModels";
import { renderTextPdf } from "../utils/retrievalQuestions";
import { fixturePath } from "../utils/answerabilityQuestions";
import { artifactsDir, launchChromium, startCairn, watchExternal, type RunningCairn } from "./utils/cairn";

// Two real agreements (CUAD, ../shared/fixtures) uploaded as PDFs, searched in Chromium as a user
// would: a query naming one agreement by a party is narrowed to it, the panel says so, and one
// click searches all documents; a citation's supporting sentence is marked strongly in the PDF
// viewer and the rest of its passage faintly; a chat question naming an agreement says which one
// its passages came from first, and one click asks it again across all documents. The test
// embedder and LLM (missing fails loudly); what the model writes is not asserted.

const KUBIENT = "contracts/KUBIENT,INC_07_02_2020-EX-10.14-MASTER SERVICES AGREEMENT_Part1.txt";
const PIVX = "contracts/ADIANUTRITION,INC_04_01_2005-EX-10.D2-RESELLER AGREEMENT.txt";

let app: RunningCairn;
let browser: Browser;
let dir: string;
const pages: Page[] = [];
const ids = new Map<string, string>();

beforeAll(async () => {
  const models = testModelPaths();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-retrieval-"));
  // CAIRN_TEST_PORT: a port of one's own on a shared machine; else a free one.
  app = await startCairn({ CAIRN_EMBED_MODEL: models.embedder, CAIRN_LLM_MODEL: models.llm }, { port: Number(process.env.CAIRN_TEST_PORT) || undefined });
  browser = await launchChromium();
  for (const f of [KUBIENT, PIVX]) {
    const file = path.join(dir, `${path.basename(f, ".txt")}.pdf`);
    fs.writeFileSync(file, await renderTextPdf(fs.readFileSync(fixturePath(f), "utf8")));
    ids.set(f, await uploadAndIndex(file));
  }
}, 600_000);

afterEach(async () => {
  await Promise.all(pages.splice(0).map((p) => p.close()));
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function uploadAndIndex(file: string, timeoutMs = 420_000): Promise<string> {
  const form = new FormData();
  form.append("file", new Blob([fs.readFileSync(file)]), path.basename(file));
  const res = await fetch(`${app.url}/api/documents`, { method: "POST", body: form });
  const body = await res.json();
  expect(res.status, JSON.stringify(body)).toBe(202);
  const id: string = body.results[0].document.id;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const doc = ((await (await fetch(`${app.url}/api/documents`)).json()).documents as { id: string; status: string; errorMessage: string | null }[]).find((d) => d.id === id);
    if (doc?.status === "indexed") return id;
    if (doc?.status === "failed") throw new Error(`indexing ${file} failed: ${doc.errorMessage}\n${app.logs()}`);
    if (Date.now() > deadline) throw new Error(`${file} not indexed in ${timeoutMs / 1000} s\n${app.logs()}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function openPage(): Promise<{ page: Page; external: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  pages.push(page);
  page.on("pageerror", (e) => console.error("page error:", e));
  return { page, external: watchExternal(page) };
}

test("a search naming an agreement by its party is narrowed to it, says so, and widens in one click", async () => {
  const { page, external } = await openPage();
  await page.goto(app.url, { waitUntil: "load" });
  await page.getByRole("tab", { name: "Search passages" }).click();
  await page.getByRole("searchbox").fill("Which law governs the Kubient agreement?");
  const note = page.getByTestId("search-narrowed");
  await note.waitFor({ state: "visible", timeout: 60_000 });
  expect(await note.getAttribute("data-widened")).toBe("no");
  expect(await page.getByTestId("narrowed-document").allTextContents()).toEqual([expect.stringContaining("KUBIENT")]);
  const results = page.getByTestId("search-result");
  await results.first().waitFor({ state: "visible" });
  const links = await results.getByRole("link").allTextContents();
  expect(links.length).toBeGreaterThan(0);
  expect(links.every((l) => l.includes("KUBIENT"))).toBe(true);
  fs.mkdirSync(artifactsDir, { recursive: true });
  await page.screenshot({ path: path.join(artifactsDir, "search-narrowed.png") });

  await page.getByTestId("search-widen").click();
  await page.waitForFunction(() => document.querySelector('[data-testid="search-narrowed"]')?.getAttribute("data-widened") === "yes", null, { timeout: 60_000 });
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="search-result"] a')].some((a) => a.textContent?.includes("ADIANUTRITION")), null, { timeout: 60_000 });
  expect(external).toEqual([]);
});

test("two agreements named in one search both appear", async () => {
  const res = await fetch(`${app.url}/api/search?${new URLSearchParams({ q: "governing law of the Kubient agreement and the PivX agreement", limit: "4" })}`);
  const body = (await res.json()) as { results: SearchResult[]; narrowedTo: { documentId: string }[] };
  expect(body.narrowedTo.map((d) => d.documentId).sort()).toEqual([ids.get(KUBIENT), ids.get(PIVX)].sort());
  expect(new Set(body.results.map((r) => r.documentId))).toEqual(new Set([ids.get(KUBIENT), ids.get(PIVX)]));
});

test("the viewer marks a citation's supporting sentence strongly and the rest of its passage faintly", async () => {
  const res = await fetch(`${app.url}/api/search?${new URLSearchParams({ q: "Kubient initial term one year automatically renew", limit: "5" })}`);
  const { results } = (await res.json()) as { results: SearchResult[] };
  const passage = results.find((r) => /initial term/i.test(r.text) && r.documentId === ids.get(KUBIENT));
  expect(passage, JSON.stringify(results.map((r) => r.text.slice(0, 80)))).toBeDefined();
  // Support words as verification reports them (page offsets), widened to their sentence.
  const word = passage!.text.search(/initial term/i);
  const support = supportRange({ charStart: passage!.charStart, charEnd: passage!.charEnd, quote: passage!.text }, [
    { charStart: passage!.charStart + word, charEnd: passage!.charStart + word + "initial term".length },
  ]);
  expect(support.supportStart).toBeGreaterThanOrEqual(passage!.charStart);
  expect(support.supportEnd - support.supportStart).toBeLessThan(passage!.charEnd - passage!.charStart);
  const sentence = passage!.text.slice(support.supportStart - passage!.charStart, support.supportEnd - passage!.charStart);

  const { page, external } = await openPage();
  await page.goto(app.url + viewerHref({ ...passage!, ...support }), { waitUntil: "load" });
  await page.getByTestId("highlight-note").waitFor({ state: "visible", timeout: 60_000 });
  const strong = (await page.locator('mark[data-strength="support"]').allTextContents()).join("");
  const faint = (await page.locator('mark[data-strength="passage"]').allTextContents()).join("");
  const squeeze = (s: string) => s.replace(/\s+/g, "");
  expect(squeeze(strong)).toBe(squeeze(sentence));
  expect(faint.length).toBeGreaterThan(0);
  expect(squeeze(faint + strong).length).toBe(squeeze(passage!.text).length);
  expect(await page.getByTestId("highlight-note").textContent()).toContain("supports the answer");
  await page.screenshot({ path: path.join(artifactsDir, "viewer-support.png"), fullPage: true });
  expect(external).toEqual([]);
});

test("a chat answer to a question naming an agreement says which one it preferred, and asks across all documents in one click", async () => {
  const { page, external } = await openPage();
  const bodies: { question: string; widen?: boolean }[] = [];
  page.on("request", (r) => {
    if (r.url().endsWith("/api/ask") && r.method() === "POST") bodies.push(JSON.parse(r.postData() ?? "{}"));
  });
  await page.goto(app.url, { waitUntil: "load" });
  const question = "What is the initial term of the Kubient agreement?";
  await page.getByLabel("Your question").fill(question);
  await page.keyboard.press("Enter");
  const note = page.getByTestId("answer-narrowed");
  await note.first().waitFor({ state: "visible", timeout: 300_000 });
  expect(await note.first().getAttribute("data-widened")).toBe("no");
  expect(await note.first().getByTestId("answer-narrowed-document").allTextContents()).toEqual([expect.stringContaining("KUBIENT")]);
  expect(await note.first().textContent()).toContain("“Kubient”");
  // The preferred agreement's passages come first among the sources.
  const firstSource = page.getByTestId("source").first();
  await firstSource.waitFor({ state: "visible" });
  fs.mkdirSync(artifactsDir, { recursive: true });
  await page.screenshot({ path: path.join(artifactsDir, "chat-narrowed.png"), fullPage: true });

  await page.getByTestId("answer-widen").click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="answer-narrowed"][data-widened="yes"]').length === 1, null, { timeout: 300_000 });
  expect(bodies).toEqual([expect.objectContaining({ question }), expect.objectContaining({ question, widen: true })]);
  expect(bodies[0]!.widen).toBeUndefined();
  // Widened, it still says which document the question names, with nothing left to widen.
  const widened = page.locator('[data-testid="answer-narrowed"][data-widened="yes"]');
  expect(await widened.getByTestId("answer-narrowed-document").allTextContents()).toEqual([expect.stringContaining("KUBIENT")]);
  expect(await page.getByTestId("answer-widen").count()).toBe(1);
  await page.screenshot({ path: path.join(artifactsDir, "chat-widened.png"), fullPage: true });
  expect(external).toEqual([]);
}, 700_000);
