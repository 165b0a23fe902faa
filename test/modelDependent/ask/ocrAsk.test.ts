import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { chunkDocument, embeddingText } from "@/ingest/chunk";
import { chunkRecords } from "@/ingest/chunkRecords";
import { parseBytes } from "@/ingest/parse/parseDocument";
import type { ParsedDocument } from "@/ingest/types";
import { ask, type AskDeps } from "@/lib/ask";
import { loadEmbedder, type LocalEmbedder } from "@/models/embedder";
import { loadLanguageModel, type LocalLanguageModel } from "@/models/llm";
import { openVectorStore, type VectorStore } from "@/vectorstore/index";
import { makeScannedPdf } from "../../utils/scannedPdf";
import { testModelPaths, testModelThreads } from "../testModels";
import { expectAnswerGuarantees } from "../utils/answerGuarantees";
import { promptPassage, quotingLine } from "../utils/promptPassages";
import { recordingModel } from "../utils/recordingModel";

// Asking about a phrase that exists only on a scanned page: the page is OCR'd by the real engine,
// chunked and embedded like any text page, found by the real search, given to the real test LLM,
// and cited by page; the cited passage's OCR word boxes cover the phrase (what the viewer draws).
// The citation marker is slipped into the model's stream by the recording wrapper (a line quoting
// the scanned passage), so nothing asserted depends on what a 0.5B model writes.

const DOC = "faxed-discharge";
const COLLECTION = "ward";
const NAME = "faxed-discharge.pdf";
let parsed: ParsedDocument;
let embedder: LocalEmbedder;
let llm: LocalLanguageModel;
let store: VectorStore;
let dir: string;
let deps: AskDeps;

beforeAll(async () => {
  const pdf = await makeScannedPdf([
    { text: ["Discharge letter, page one: typed administrative details of the ward and the bed."] },
    { scan: { lines: ["DISCHARGE SUMMARY", "Continue Coumadin 7 mg daily and recheck the INR.", "Follow-up visit in three weeks."] } },
    { text: ["Page three, typed: the supplier replies within ten days of a complaint."] },
  ]);
  parsed = await parseBytes(pdf, NAME, { maxUnzippedBytes: 1e8, ocr: { langs: ["eng"], minConfidence: 60 } });
  expect(parsed.pages[1].ocr).toBeDefined();
  const paths = testModelPaths();
  embedder = await loadEmbedder(paths.embedder, { threads: testModelThreads() });
  llm = await loadLanguageModel(paths.llm, { contextSize: 2048, threads: testModelThreads() });
  dir = await mkdtemp(path.join(os.tmpdir(), "cairn-ocr-ask-"));
  store = await openVectorStore({ uri: path.join(dir, "lancedb"), dimensions: embedder.dimensions, embeddingModel: embedder.modelName });
  const drafts = await chunkDocument(parsed, {
    countTokens: (t) => embedder.countTokens(t),
    maxTokens: embedder.maxTokens,
    chunkTokens: 200,
    overlapTokens: 20,
    fileName: NAME,
  });
  const vectors = await embedder.embed(drafts.map(embeddingText));
  await store.replaceDocumentChunks(DOC, chunkRecords({ id: DOC, collectionId: COLLECTION }, "0".repeat(64), drafts, vectors));
  deps = { embedder, llm, search: (q) => store.hybridSearch(q), documentNames: async (ids) => new Map(ids.map((id) => [id, NAME])) };
}, 600_000);

afterAll(async () => {
  store?.close();
  await llm?.dispose();
  await embedder?.dispose();
  if (dir) await rm(dir, { recursive: true, force: true });
});

it("asking about a phrase on a scanned page cites that page, and the cited words' OCR boxes cover the phrase", async () => {
  let scannedN = 0;
  const model = recordingModel(llm, {
    prefix: (messages) => {
      for (let n = 1; promptPassage(messages, n) !== undefined; n++) {
        if (promptPassage(messages, n)!.includes("Coumadin")) {
          scannedN = n;
          return quotingLine(messages, n, [n]);
        }
      }
      throw new Error("the scanned page's passage was not given to the model");
    },
  });
  const streamed: string[] = [];
  const r = await ask({
    question: "What dose of Coumadin should the patient continue?",
    collections: [COLLECTION],
    deps: { ...deps, llm: model },
    options: { temperature: 0, reserveForAnswer: 96 },
    onToken: (t) => streamed.push(t),
  });
  expect(model.calls.length).toBeGreaterThan(0);
  const call = model.calls.at(-1)!;
  expectAnswerGuarantees(r, { streamed: streamed.join(""), raw: call.result!.text, messages: call.messages, pageText: (_id, page) => parsed.pages[(page ?? 1) - 1].text });
  expect(r.answered).toBe(true);
  const cited = r.citations.find((c) => c.n === scannedN)!;
  expect(cited).toMatchObject({ documentId: DOC, fileName: NAME, page: 2 });
  expect(cited.quote).toContain("Coumadin 7 mg daily");

  // The viewer highlights the cited words from the page's OCR boxes: those inside the citation.
  const ocr = parsed.pages[1].ocr!;
  const inside = ocr.words.filter((w) => w.start >= cited.charStart && w.end <= cited.charEnd);
  const phrase = ["Coumadin", "7", "mg", "daily"].map((t) => inside.find((w) => w.text === t)!);
  expect(phrase.every(Boolean)).toBe(true);
  // scanImage draws the second line's baseline at 0.9 in + 1.6 × 12 pt on a 5.5 in page.
  const baseline = (0.9 + (1.6 * 12) / 72) / 5.5;
  for (const w of phrase) {
    expect(w.box[1]).toBeLessThan(baseline);
    expect(w.box[3]).toBeGreaterThan(baseline - 0.03);
    expect(w.box[3]).toBeLessThan(baseline + 0.03);
  }
}, 600_000);
