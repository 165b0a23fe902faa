import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PDFDocument, StandardFonts } from "pdf-lib";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { testModelPaths } from "../modelDependent/testModels";
import { CONTRACTS_DIR } from "../utils/deadlineCheckSet";
import { medicalReport } from "../utils/reportPassages";
import { artifactsDir, launchChromium, startCairn, watchExternal, type RunningCairn } from "./utils/cairn";

// From the library page, as a clinician and a lawyer would: summarize a report and see the cited
// summary (links into the viewer on the pages cited; the second run comes from the cache); open
// the deadline table of one agreement and of the whole collection, download the .ics and the CSV.
// From the chat: "summarize alzheimer-report.pdf" gets the same cited whole-document summary
// (not a retrieve-and-answer), saved in the chat; a name that is no document, or several, gets the
// candidates listed. What the small model writes is not asserted; what Cairn guarantees is.

const REPORT = "Alzheimer Disease";
const AGREEMENT = "BLACKBOXSTOCKSINC_08_05_2014-EX-10.1-DISTRIBUTOR AGREEMENT.txt";
const SECOND = "CnsPharmaceuticalsInc_20200326_8-K_EX-10.1_12079626_EX-10.1_Development Agreement.txt";

/** A report as a PDF with several pages, so citations name pages. */
async function reportPdf(text: string): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const lines: string[] = [];
  for (const para of text.replace(/[^\x20-\x7e\n]/g, " ").split("\n")) {
    let line = "";
    for (const word of para.split(/\s+/)) {
      if ((line + " " + word).length > 90) {
        lines.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    lines.push(line);
  }
  for (let i = 0; i < lines.length; i += 22) {
    const page = doc.addPage([595, 842]);
    lines.slice(i, i + 22).forEach((l, k) => page.drawText(l, { x: 40, y: 790 - k * 20, size: 10, font }));
  }
  return doc.save();
}

let app: RunningCairn;
let browser: Browser;
let dir: string;

async function uploadAndIndex(file: string, timeoutMs = 240_000): Promise<{ id: string; name: string }> {
  const form = new FormData();
  form.append("file", new Blob([fs.readFileSync(file)]), path.basename(file));
  const res = await fetch(`${app.url}/api/documents`, { method: "POST", body: form });
  const body = await res.json();
  expect(res.status, JSON.stringify(body)).toBe(202);
  const id: string = body.results[0].document.id;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const docs: { id: string; name: string; status: string; errorMessage: string | null }[] = (await (await fetch(`${app.url}/api/documents`)).json()).documents;
    const doc = docs.find((d) => d.id === id);
    if (doc?.status === "indexed") return doc;
    if (doc?.status === "failed") throw new Error(`indexing ${file} failed: ${doc.errorMessage}\n${app.logs()}`);
    if (Date.now() > deadline) throw new Error(`${file} not indexed in time\n${app.logs()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function openLibrary(): Promise<{ page: Page; external: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
  page.on("pageerror", (e) => console.error("page error:", e));
  const external = watchExternal(page);
  await page.goto(`${app.url}/library`);
  return { page, external };
}

const shot = (page: Page, name: string, fullPage = true) => {
  fs.mkdirSync(artifactsDir, { recursive: true });
  return page.screenshot({ path: path.join(artifactsDir, name), fullPage });
};

beforeAll(async () => {
  const models = testModelPaths();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-tasks-"));
  fs.writeFileSync(path.join(dir, "alzheimer-report.pdf"), await reportPdf(medicalReport(REPORT)));
  app = await startCairn({ CAIRN_LLM_MODEL: models.llm, CAIRN_EMBED_MODEL: models.embedder, CAIRN_MODEL_THREADS: process.env.CAIRN_MODEL_THREADS ?? "1" });
  browser = await launchChromium();
  await uploadAndIndex(path.join(dir, "alzheimer-report.pdf"));
  await uploadAndIndex(path.join(CONTRACTS_DIR, AGREEMENT));
  await uploadAndIndex(path.join(CONTRACTS_DIR, SECOND));
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test("a clinician summarizes a report from the library and gets a cited summary; the second time it is cached", async () => {
  const { page, external } = await openLibrary();
  await page.getByRole("button", { name: "Summarize alzheimer-report.pdf" }).click();
  const panel = page.getByTestId("summary-panel");
  await panel.getByLabel("Summary preset").selectOption("clinical");
  await panel.getByRole("button", { name: "Summarize" }).click();
  await panel.getByTestId("summary-text").waitFor({ timeout: 280_000 });
  const links = panel.getByTestId("summary-citation");
  const n = await links.count();
  // Every sentence shown cites pages; a summary the checks emptied says so instead.
  const meta = await panel.getByTestId("summary-meta").innerText();
  if (n === 0) expect(meta).toMatch(/left out/);
  for (let i = 0; i < n; i++) {
    const href = await links.nth(i).getAttribute("href");
    expect(href).toMatch(/^\/view\/[^?]+\?page=\d+&start=\d+&end=\d+/);
    expect(await links.nth(i).innerText()).toMatch(/^p\. \d+$/);
  }
  await shot(page, "summary-library.png");
  await panel.getByRole("button", { name: "Summarize" }).click();
  await expect.poll(() => panel.getByTestId("summary-meta").innerText(), { timeout: 20_000 }).toMatch(/from cache/);
  expect(external).toEqual([]);
  await page.close();
});

test("a lawyer opens the deadline table of one agreement and downloads the .ics and CSV", async () => {
  const { page, external } = await openLibrary();
  await page.getByRole("button", { name: `Deadlines in ${AGREEMENT}` }).click();
  const panel = page.getByTestId("deadlines-panel");
  // The deterministic rows arrive before the model has read anything.
  await panel.getByTestId("deadline-row").first().waitFor({ timeout: 30_000 });
  const rows = panel.getByTestId("deadline-row");
  expect(await rows.count()).toBeGreaterThanOrEqual(10);
  await expect.poll(() => panel.getByText("May 31, 2015").count()).toBeGreaterThan(0);
  // The model's pass finishes (status gone) and the table is still whole.
  await panel.getByRole("status").waitFor({ state: "detached", timeout: 280_000 });
  await shot(page, "deadlines-agreement.png");
  const [ics] = await Promise.all([page.waitForEvent("download"), panel.getByRole("button", { name: "Download .ics" }).click()]);
  expect(ics.suggestedFilename()).toBe("deadlines.ics");
  const cal = fs.readFileSync((await ics.path())!, "utf8");
  expect(cal).toMatch(/^BEGIN:VCALENDAR/);
  expect(cal).toMatch(/DTSTART;VALUE=DATE:20150531/);
  const [csv] = await Promise.all([page.waitForEvent("download"), panel.getByRole("button", { name: "Download CSV" }).click()]);
  const table = fs.readFileSync((await csv.path())!, "utf8");
  expect(table.split("\r\n")[0]).toBe("Document,Page,Party,Obligation,Deadline as written,Resolved date,Clause,Link");
  expect(table.trim().split("\r\n").length - 1).toBe(await rows.count());
  expect(external).toEqual([]);
  await page.close();
});

test("the deadline table of a whole collection lists every agreement's rows at once", async () => {
  const { page } = await openLibrary();
  await page.getByRole("button", { name: "Deadlines in collection “default”" }).click();
  const panel = page.getByTestId("deadlines-panel");
  await panel.getByTestId("deadline-row").first().waitFor({ timeout: 30_000 });
  await expect.poll(() => panel.getByText("March 20, 2020").count()).toBeGreaterThan(0);
  await expect.poll(() => panel.getByText("May 31, 2015").count()).toBeGreaterThan(0);
  // The first screenful of a long table: what a reader sees on opening it.
  await panel.scrollIntoViewIfNeeded();
  await shot(page, "deadlines-collection.png", false);
  await page.close();
});

test("a clinician types 'summarize alzheimer-report.pdf' in the chat and gets the cited whole-document summary, saved in the chat", async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on("pageerror", (e) => console.error("page error:", e));
  const external = watchExternal(page);
  await page.goto(app.url);
  const box = page.getByLabel("Your question");
  // A name that is no document's: the candidates, no model call.
  await box.fill("summarize budget.xlsx");
  await box.press("Enter");
  await page.locator('[data-testid="answer"][aria-busy="false"]').last().waitFor({ timeout: 60_000 });
  const missing = (await page.getByTestId("answer").last().textContent()) ?? "";
  expect(missing).toContain("I found no document called “budget.xlsx”");
  expect(missing).toContain("alzheimer-report.pdf");
  // Two agreements match "agreement": which one?
  await box.fill("summarise the agreement");
  await box.press("Enter");
  await expect.poll(() => page.locator('[data-testid="answer"][aria-busy="false"]').count(), { timeout: 60_000 }).toBe(2);
  const which = (await page.getByTestId("answer").last().textContent()) ?? "";
  expect(which).toContain("could be more than one document");
  expect(which).toContain(AGREEMENT.replace(/\.txt$/, ""));
  expect(which).toContain(SECOND.replace(/\.txt$/, ""));

  // The summary itself: the brief preset (the library test cached the clinical one), one pass.
  await page.evaluate(() => {
    const w = window as unknown as { __phases: string[] };
    w.__phases = [];
    new MutationObserver(() => {
      const t = document.querySelector('[data-testid="phase"]')?.textContent;
      if (t && w.__phases.at(-1) !== t) w.__phases.push(t);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await box.fill("Summarize alzheimer-report.pdf");
  await box.press("Enter");
  await expect.poll(() => page.locator('[data-testid="answer"][aria-busy="false"]').count(), { timeout: 400_000 }).toBe(3);
  const answer = page.getByTestId("answer").last();
  expect(await answer.getByRole("alert").count(), `${await answer.textContent()}\n${app.logs()}`).toBe(0);
  // Progress as a summary's, not "Searching your documents…" alone.
  expect(await page.evaluate(() => (window as unknown as { __phases: string[] }).__phases)).toContain("Summarizing alzheimer-report.pdf…");
  expect(await answer.getByTestId("summary-note").textContent()).toMatch(/^Summary of alzheimer-report\.pdf · one pass/);
  const chatId = new URL(page.url()).searchParams.get("chat")!;
  const saved = (await (await fetch(`${app.url}/api/chats/${chatId}`)).json()).messages.at(-1);
  const meta = saved.metadata;
  // A summary, not an answer from search: every sentence cited and verified, every citation a page of this document.
  expect(meta.summary).toMatchObject({ fileName: "alzheimer-report.pdf", mode: "single" });
  expect(meta.retrieval.query).toBe("summary of alzheimer-report.pdf");
  for (const s of meta.sentences) {
    expect(s.verdict).toBe("verified");
    expect(s.citations.length).toBeGreaterThan(0);
  }
  const docs: { id: string; name: string }[] = (await (await fetch(`${app.url}/api/documents`)).json()).documents;
  const reportId = docs.find((d) => d.name === "alzheimer-report.pdf")!.id;
  for (const c of meta.citations) {
    expect(c.documentId).toBe(reportId);
    expect(c.page).toBeGreaterThanOrEqual(1);
  }
  // What the small model writes may all be left out: then Cairn says so in its own words.
  if (meta.sentences.length === 0) expect(saved.content).toMatch(/^No sentence of the model's summary of alzheimer-report\.pdf could be checked/);
  else {
    // The chips on screen are the saved citations; a chip selects its source card.
    const chips = answer.getByTestId("citation-chip");
    expect(new Set(await chips.allTextContents())).toEqual(new Set(meta.citations.map((c: { n: number }) => String(c.n))));
    await chips.first().click();
    const n = ((await chips.first().textContent()) ?? "").trim();
    await expect.poll(() => page.locator(`[data-testid="source"][data-n="${n}"]`).getAttribute("class")).toContain("ring-2");
  }
  await shot(page, "summary-chat.png");

  // Asked again in the chat: from the cache.
  await box.fill("summarize alzheimer-report.pdf");
  await box.press("Enter");
  await expect.poll(() => page.locator('[data-testid="answer"][aria-busy="false"]').count(), { timeout: 30_000 }).toBe(4);
  expect(await page.getByTestId("answer").last().getByTestId("summary-note").textContent()).toContain("from cache");
  expect(external).toEqual([]);
  await page.close();
});
