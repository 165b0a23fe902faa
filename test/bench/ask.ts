// The answer pipeline's own costs: packing by token count with the real tokenizer,
// citation resolution, and one end-to-end ask with the real test models (time to first
// token, total, and the gate path that never calls the LLM). Run: npx tsx test/bench/ask.ts
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ask, type AskDeps } from "@/lib/ask";
import { resolveCitations } from "@/lib/citations";
import { packPassages } from "@/lib/prompt";
import { loadEmbedder } from "@/models/embedder";
import { loadLanguageModel } from "@/models/llm";
import { openVectorStore } from "@/vectorstore";
import type { SearchHit } from "@/vectorstore/types";
import { testModelPaths } from "../modelDependent/testModels";

const round = (x: number) => Math.round(x * 100) / 100;
function timeIt(n: number, fn: () => void): number {
  fn();
  const t = performance.now();
  for (let i = 0; i < n; i++) fn();
  return (performance.now() - t) / n;
}

const words = "valve pump breaker isolate maintenance pressure notice contract clause deadline page section".split(" ");
const sentence = (i: number) => Array.from({ length: 14 }, (_, k) => words[(i * 7 + k * 3) % words.length]).join(" ") + ".";
const passageText = (i: number) => Array.from({ length: 12 }, (_, k) => sentence(i + k)).join(" ");
const hits: SearchHit[] = Array.from({ length: 40 }, (_, i) => ({
  id: `c${i}`, documentId: `d${i % 7}`, collectionId: "bench", documentSha256: "0", ordinal: i, page: i + 1,
  headingPath: "", charStart: 0, charEnd: 0, tokenCount: 0, text: `${i} ${passageText(i)}`, score: 1 / (i + 1),
}));

const paths = testModelPaths();
const llm = await loadLanguageModel(paths.llm, { contextSize: 4096 });
const embedder = await loadEmbedder(paths.embedder);
const rows: Record<string, string | number>[] = [];

let packed = packPassages({ passages: hits, question: "How do I isolate the pump?", countTokens: llm.countTokens, contextSize: 4096, reserveForAnswer: 512 });
const packMs = timeIt(5, () => {
  packed = packPassages({ passages: hits, question: "How do I isolate the pump?", countTokens: llm.countTokens, contextSize: 4096, reserveForAnswer: 512 });
});
rows.push({ step: "pack 40 passages (real tokenizer, 4096 ctx)", ms: round(packMs), detail: `${packed.used.length} used, ${packed.leftOut.length} left out, ${packed.promptTokens} tokens` });

const answer = Array.from({ length: 60 }, (_, i) => `${sentence(i)} [${(i % 12) + 1}]`).join(" ");
const citeMs = timeIt(50, () => resolveCitations(answer, packed.used));
rows.push({ step: "resolve citations, 60-sentence answer", ms: round(citeMs), detail: `${answer.length} chars` });

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-bench-ask-"));
const store = await openVectorStore({ uri: dir, dimensions: embedder.dimensions, embeddingModel: embedder.modelName });
const docs = [
  "To isolate pump P-101 before maintenance, close suction valve V-12 and discharge valve V-13, then lock out breaker B-4.",
  "The cafeteria on level 2 opens at 07:30 and closes at 15:00 on weekdays.",
  "Either party may terminate this supply agreement by giving 90 days written notice to the other party.",
];
const vectors = await embedder.embed(docs);
for (const [i, text] of docs.entries()) {
  await store.replaceDocumentChunks(`doc${i}`, [{ id: `doc${i}-0`, documentId: `doc${i}`, collectionId: "bench", documentSha256: "0", ordinal: 0, page: 1, headingPath: "", charStart: 0, charEnd: text.length, tokenCount: 0, text, vector: vectors[i] }]);
}
const deps: AskDeps = { embedder, llm, search: (q) => store.hybridSearch(q) };
const start = performance.now();
let firstToken = 0;
const r = await ask({ question: "How do I isolate pump P-101?", collections: ["bench"], deps, options: { reserveForAnswer: 64 }, onToken: () => (firstToken ||= performance.now() - start) });
rows.push({ step: "ask, answered (64 answer tokens max)", ms: round(r.timings.totalMs), detail: `first token ${round(firstToken)} ms, embed ${round(r.timings.embedMs)}, search ${round(r.timings.searchMs)}, ${r.answerTokens} tokens in ${round(r.timings.generationMs)} ms` });
const off = await ask({ question: "What is the capital of France?", collections: ["bench"], deps });
rows.push({ step: "ask, gated (no LLM call)", ms: round(off.timings.totalMs), detail: `answered=${off.answered}` });

console.table(rows);
fs.mkdirSync(path.join(import.meta.dirname, "..", "..", "bench-results"), { recursive: true });
fs.writeFileSync(path.join(import.meta.dirname, "..", "..", "bench-results", "ask.json"), JSON.stringify({ date: new Date().toISOString(), threads: process.env.CAIRN_MODEL_THREADS ?? "default", rows }, null, 2));
store.close();
await llm.dispose();
await embedder.dispose();
fs.rmSync(dir, { recursive: true, force: true });
