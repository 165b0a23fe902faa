import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PDFDocument, StandardFonts } from "pdf-lib";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { testModelPaths } from "../modelDependent/testModels";
import { makeTinyGguf } from "../standalone/models/helpers/makeGguf";
import { startRangeServer, type RangeServer } from "../standalone/models/helpers/rangeServer";
import { artifactsDir, launchChromium, startCairn, watchExternal, type RunningCairn } from "./utils/cairn";

// A newcomer's first run, in Chromium, on a fresh data dir with no model anywhere: one button
// downloads the default models from a local HTTP server standing in for Hugging Face (the
// catalogue's defaults are the test models there, via CAIRN_MODEL_CATALOGUE), the server drops
// mid-download and the page resumes, a document uploaded meanwhile is indexed once the embedder
// lands (no re-upload), and a question gets an answer. Then a corrupted download and the
// browser import of a valid and an invalid .gguf. The steps depend on each other: one test.

let server: RangeServer;
let app: RunningCairn;
let browser: Browser;
let page: Page;
let dir: string;

const LLM = "qwen2.5-coder-0.5b-instruct-q4_k_m";
const EMBEDDER = "all-minilm-l6-v2";
const EMBEDDER_2 = "all-minilm-l6-v2-second";
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

beforeAll(async () => {
  const models = testModelPaths();
  const llm = fs.readFileSync(models.llm);
  const embedder = fs.readFileSync(models.embedder);
  const corrupt = makeTinyGguf({ tensorValues: 300_000 });
  const published = Buffer.from(corrupt);
  published[published.length - 7] ^= 0x55; // the catalogue's sha256 is of other bytes than the server sends
  server = await startRangeServer({
    "/cairn-test/resolve/v1/llm.gguf": llm,
    "/cairn-test/resolve/v1/embedder.gguf": embedder,
    "/cairn-test/resolve/v1/corrupt.gguf": corrupt,
  });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-first-run-"));
  const entry = (name: string, role: string, file: string, bytes: Buffer, hashOf: Buffer, extra: object) => ({
    name,
    role,
    description: `${name} (served by the test's local model server)`,
    source: `hf:cairn-test/resolve/v1/${file}`,
    fileName: `${name}.gguf`,
    sizeBytes: bytes.length,
    sha256: sha(hashOf),
    license: "Apache-2.0",
    contextSize: role === "llm" ? 32_768 : 256,
    testOnly: false,
    ...extra,
  });
  const catalogue = path.join(dir, "catalogue.json");
  fs.writeFileSync(
    catalogue,
    JSON.stringify({
      models: [
        entry(LLM, "llm", "llm.gguf", llm, llm, { isDefault: true }),
        entry(EMBEDDER, "embedder", "embedder.gguf", embedder, embedder, { isDefault: true, embeddingDimensions: 384 }),
        entry("corrupted-test-model", "llm", "corrupt.gguf", corrupt, published, { isDefault: false }),
        // The same embedder under a second name: switching to it re-embeds the library for real.
        entry(EMBEDDER_2, "embedder", "embedder.gguf", embedder, embedder, { isDefault: false, embeddingDimensions: 384 }),
      ],
    }),
  );
  app = await startCairn({
    CAIRN_MODEL_CATALOGUE: catalogue,
    CAIRN_HF_BASE_URL: server.url,
    // Nothing installed anywhere: not even the test-model cache counts.
    CAIRN_TEST_MODELS_DIR: path.join(dir, "no-test-models"),
    CAIRN_LLM_MODEL: "",
    CAIRN_EMBED_MODEL: "",
    CAIRN_MODEL_THREADS: process.env.CAIRN_MODEL_THREADS ?? "1",
    CAIRN_ASK_ANSWER_TOKENS: "120",
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await server?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function shot(name: string) {
  fs.mkdirSync(artifactsDir, { recursive: true });
  return page.screenshot({ path: path.join(artifactsDir, name), fullPage: true });
}

async function pumpManual(): Promise<string> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const lines = ["Pump isolation", "Before any maintenance on a pump, isolate it from the circuit.", "The isolation valve for pump P-101 is V-17.", "Close V-17 fully and lock it."];
  const p = doc.addPage([595, 842]);
  lines.forEach((text, i) => p.drawText(text, { x: 50, y: 780 - i * 24, size: i === 0 ? 18 : 12, font }));
  const file = path.join(dir, "pump-manual.pdf");
  fs.writeFileSync(file, await doc.save());
  return file;
}

const downloadOf = (name: string) => page.getByTestId(`download-${name}`);
const bytesShown = async (name: string) => {
  const text = (await downloadOf(name).getByTestId("download-stats").textContent()) ?? "";
  const m = text.match(/^([\d.]+) (B|kB|MB|GB) of/);
  return m ? Number(m[1]) * { B: 1, kB: 1e3, MB: 1e6, GB: 1e9 }[m[2] as "B"] : 0;
};

test("first run: an upload is keyword-searchable before any model; one button downloads the defaults (progress, drop, resume); the upload is embedded without re-upload; a question is answered", async () => {
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on("pageerror", (e) => console.error("page error:", e));
  const external = watchExternal(page);

  // 1. Before any model: an upload is parsed and keyword-searchable at once, and waits for an embedder.
  const library = await browser.newPage({ viewport: { width: 1280, height: 700 } });
  await library.goto(`${app.url}/library`);
  await library.getByLabel(/Choose files/).setInputFiles(await pumpManual());
  const row = library.getByTestId("document-row").filter({ hasText: "pump-manual.pdf" });
  await expect.poll(() => row.textContent(), { timeout: 120_000 }).toContain("searchable (keyword) · waiting for an embedding model");
  expect(await row.getAttribute("data-status")).toBe("queued");
  await library.screenshot({ path: path.join(artifactsDir, "first-run-0-library-keyword.png") });
  await page.goto(app.url);
  await page.getByRole("tab", { name: "Search passages" }).click();
  await page.getByRole("searchbox").fill("isolation valve");
  const hit = page.getByTestId("search-result").filter({ hasText: "pump-manual.pdf" });
  await hit.waitFor({ timeout: 30_000 });
  expect((await hit.locator("mark").allTextContents()).map((m) => m.toLowerCase())).toContain("valve");
  await shot("first-run-1-keyword-search.png");
  // The result opens in the viewer with its words highlighted, before any model exists.
  await hit.getByRole("link").first().click();
  await page.waitForURL(/\/view\//);
  await page.getByTestId("pdf-highlight").first().waitFor({ timeout: 60_000 });
  expect((await page.getByTestId("pdf-highlight").allTextContents()).join("")).toContain("valve");
  await shot("first-run-1b-viewer-keyword.png");
  await page.goto(app.url);

  // 2. The home page of a fresh data dir offers the one button.
  await page.getByRole("tab", { name: "Ask" }).click();
  const button = page.getByRole("button", { name: /^Download the default models \(5\d\d MB\)$/ });
  await button.waitFor({ timeout: 30_000 });
  await shot("first-run-2-home.png");

  // 3. Pressed: the server downloads, slowly enough to watch (64 kB every 4 ms, ~16 MB/s).
  server.behaviour.sliceDelayMs = 4;
  await button.click();
  await downloadOf(LLM).waitFor({ timeout: 10_000 });
  await expect.poll(() => bytesShown(LLM), { timeout: 30_000 }).toBeGreaterThan(5e6);
  const stats = (await downloadOf(LLM).getByTestId("download-stats").textContent()) ?? "";
  expect(stats).toMatch(/ of 491\.4 MB \(\d+%\) · [\d.]+ (B|kB|MB|GB)\/s · .* left/);
  const early = await bytesShown(LLM);
  await expect.poll(() => bytesShown(LLM), { timeout: 30_000 }).toBeGreaterThan(early); // the bar moves
  await shot("first-run-3-progress.png");

  // 4. The network drops mid-download: the page says so and offers Resume.
  await expect.poll(() => bytesShown(LLM), { timeout: 60_000 }).toBeGreaterThan(60e6);
  server.dropConnections();
  server.behaviour.failWithStatus = 503; // and stays down a moment, so nothing resumes by itself
  await downloadOf(LLM).getByRole("button", { name: "Resume" }).waitFor({ timeout: 30_000 });
  expect(await downloadOf(LLM).getAttribute("data-status")).toBe("failed");
  expect(await downloadOf(LLM).getByTestId("download-error").textContent()).toMatch(/^Download interrupted/);
  expect(await downloadOf(LLM).getByRole("alert").textContent()).toContain("Press Resume: what was downloaded is kept.");
  const keptBytes = await bytesShown(LLM);
  await shot("first-run-4-interrupted.png");

  // 5. Resume from the page: a Range request picks up where the part file ends.
  server.behaviour.failWithStatus = null;
  server.behaviour.sliceDelayMs = 0;
  server.requests.length = 0;
  for (const name of [LLM, EMBEDDER]) {
    const resume = downloadOf(name).getByRole("button", { name: /^(Resume|Try again)$/ });
    if (await resume.count()) await resume.click();
  }
  await page.getByTestId("first-run-done").waitFor({ timeout: 180_000 });
  const resumed = server.requests.find((r) => r.path.endsWith("/llm.gguf"));
  expect(resumed?.status).toBe(206);
  expect(Number(resumed?.range?.match(/^bytes=(\d+)-$/)?.[1])).toBeGreaterThanOrEqual(keptBytes - 50_000); // shown rounded to 0.1 MB
  expect(await downloadOf(LLM).getByTestId("download-stats").textContent()).toBe("Done: 491.4 MB, checked and installed.");
  await shot("first-run-5-done.png");

  // 6. The document uploaded before any model existed is embedded now, without uploading it again.
  const deadline = Date.now() + 240_000;
  while ((await row.getAttribute("data-status")) !== "indexed") {
    if ((await row.getAttribute("data-status")) === "failed") throw new Error(`indexing failed: ${await row.textContent()}\n${app.logs()}`);
    if (Date.now() > deadline) throw new Error(`not indexed in time: ${await row.textContent()}\n${app.logs()}`);
    await library.waitForTimeout(300);
  }
  await library.close();

  // 7. A question gets an answer from the downloaded LLM (no error; whatever the model writes).
  await page.goto(app.url);
  const box = page.getByLabel("Your question");
  await box.fill("Which valve isolates pump P-101?");
  await box.press("Enter");
  await page.locator('[data-testid="answer"][aria-busy="false"]').last().waitFor({ timeout: 300_000 });
  const answer = page.getByTestId("answer").last();
  const answerText = (await answer.textContent()) ?? "";
  console.log(`first-run answer: ${answerText}`);
  expect(await answer.getByRole("alert").count(), `answer failed: ${answerText}\n${app.logs()}`).toBe(0);
  expect(answerText).not.toMatch(/No LLM installed|No embedding model/);
  expect(answerText.trim().length).toBeGreaterThan(0);
  expect(await page.getByTestId("first-run").count(), "the first-run offer is gone once models are installed").toBe(0);
  await shot("first-run-6-answer.png");
  expect(external).toEqual([]);
});

test("a corrupted download is rejected with its checksum message; the browser import takes a valid .gguf and refuses an invalid one", async () => {
  page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  await page.goto(`${app.url}/models`);
  const row = page.getByTestId("model-row-corrupted-test-model");
  await row.getByRole("button", { name: "Download" }).click();
  const error = row.getByTestId("download-error");
  await error.waitFor({ timeout: 30_000 });
  expect(await error.textContent()).toMatch(/^Checksum mismatch for corrupted-test-model\.gguf: expected sha256 [0-9a-f]{64}, got [0-9a-f]{64}\. The corrupt file was deleted\.$/);
  expect(await row.getByRole("alert").textContent()).toContain("Press Download again to fetch it anew.");
  expect(await row.getByRole("button", { name: "Download again" }).count()).toBe(1);
  await row.scrollIntoViewIfNeeded();
  await shot("first-run-7-checksum.png");

  const bad = path.join(dir, "not-a-model.gguf");
  fs.writeFileSync(bad, "this is a text file with a .gguf name");
  const input = page.getByTestId("model-file-input");
  await input.setInputFiles(bad);
  const status = page.getByTestId("import-status");
  await expect.poll(() => status.textContent(), { timeout: 30_000 }).toBe('"not-a-model.gguf" is not a GGUF model file (its first bytes are not "GGUF").');
  await page.getByRole("heading", { name: "Import a .gguf file" }).scrollIntoViewIfNeeded();
  await shot("first-run-8-import-invalid.png");

  const good = path.join(dir, "Tiny Embedder.gguf");
  fs.writeFileSync(good, makeTinyGguf({ architecture: "bert", embeddingLength: 48, tensorValues: 64 }));
  await input.setInputFiles(good);
  await expect.poll(() => status.textContent(), { timeout: 30_000 }).toMatch(/^Imported embedding model tiny-embedder \(bert, /);
  await page.getByTestId("model-row-tiny-embedder").waitFor({ timeout: 15_000 });
  expect(await page.getByTestId("model-row-tiny-embedder").textContent()).toContain("Installed");
  await page.getByRole("heading", { name: "Import a .gguf file" }).scrollIntoViewIfNeeded();
  await shot("first-run-9-import-valid.png");
});

test("another installed LLM is chosen from the Models page and is in use at once", async () => {
  page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  await page.goto(`${app.url}/models`);
  const other = path.join(dir, "other-llm.gguf");
  fs.writeFileSync(other, makeTinyGguf({ architecture: "qwen2", tensorValues: 64 }));
  await page.getByTestId("model-file-input").setInputFiles(other);
  const row = page.getByTestId("model-row-other-llm");
  await row.waitFor({ timeout: 30_000 });
  await row.getByRole("button", { name: "Use for answers" }).click();
  await expect.poll(() => page.getByTestId("active-llm").textContent(), { timeout: 15_000 }).toBe("Language model (answers)Using other-llm (selected)");
  expect(await row.getByTestId("in-use").count()).toBe(1);
  expect(await page.getByTestId(`model-row-${LLM}`).getByRole("button", { name: "Use for answers" }).count()).toBe(1);
  await shot("first-run-10-switch-llm.png");
  // Back to the downloaded one, so the server is left answering.
  await page.getByTestId(`model-row-${LLM}`).getByRole("button", { name: "Use for answers" }).click();
  await expect.poll(() => page.getByTestId("active-llm").textContent(), { timeout: 15_000 }).toContain(`Using ${LLM} (selected)`);
});

test("a download cancelled and resumed from its row; choosing that embedder re-embeds the library in the background, search works throughout and then uses it", async () => {
  page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
  await page.goto(`${app.url}/models`);
  const row = page.getByTestId(`model-row-${EMBEDDER_2}`);
  // Cancel mid-way keeps what arrived; Resume finishes it.
  server.behaviour.sliceDelayMs = 20;
  await row.getByRole("button", { name: "Download" }).click();
  await expect.poll(() => bytesShown(EMBEDDER_2), { timeout: 30_000 }).toBeGreaterThan(1e6);
  await downloadOf(EMBEDDER_2).getByRole("button", { name: "Cancel" }).click();
  await expect.poll(() => downloadOf(EMBEDDER_2).getAttribute("data-status"), { timeout: 15_000 }).toBe("cancelled");
  expect(await downloadOf(EMBEDDER_2).getByRole("alert").textContent()).toContain("Cancelled. Press Resume to continue where it stopped");
  server.behaviour.sliceDelayMs = 0;
  await downloadOf(EMBEDDER_2).getByRole("button", { name: "Resume" }).click();
  await row.getByRole("button", { name: "Use for search" }).waitFor({ timeout: 60_000 });
  await row.getByRole("button", { name: "Use for search" }).click();
  // Until the worker is done, the old embedder stays in use for search.
  await expect
    .poll(async () => (await page.getByTestId(`model-row-${EMBEDDER_2}`).textContent()) ?? "", { timeout: 30_000 })
    .toMatch(/chosen · re-embedding|in use/);
  const search = await fetch(`${app.url}/api/search?q=isolation+valve`);
  expect(search.status).toBe(200);
  expect(((await search.json()).results as { fileName: string }[]).some((r) => r.fileName === "pump-manual.pdf")).toBe(true);
  await expect.poll(async () => row.getByTestId("in-use").count(), { timeout: 180_000 }).toBe(1);
  expect(await page.getByTestId(`model-row-${EMBEDDER}`).getByTestId("in-use").count()).toBe(0);
  expect(await page.getByTestId("reembed").count()).toBe(0);
  const after = await (await fetch(`${app.url}/api/search?q=isolation+valve`)).json();
  expect((after.results as { fileName: string }[]).some((r) => r.fileName === "pump-manual.pdf")).toBe(true);
  await row.scrollIntoViewIfNeeded();
  await shot("first-run-11-switch-embedder.png");
});
