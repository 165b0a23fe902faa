import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ask, type AskDeps, type AskOptions, type AskResult } from "@/lib/ask";
import { config } from "@/core/config";
import { bestPassageByWording } from "@/lib/utils/attribution";
import { loadEmbedder, type LocalEmbedder } from "@/models/embedder";
import { loadLanguageModel, type LocalLanguageModel } from "@/models/llm";
import { testModelPaths } from "../testModels";
import { openPaperStore, PAPER_COLLECTION } from "./paperCorpus";

// The real test LLM over real chunks of a real paper (tracemonkey.pdf, pages 1–5, real LanceDB):
// when its answer repeats a passage nearly word for word, the final result cites that passage —
// by the model's own [n], or else by wording (marked as such). Greedy decoding: deterministic
// for a given model file. With this prompt the test LLM writes no marker on these questions, so
// the citation comes from attribution by wording (the lead's "trace tree" case).

let llm: LocalLanguageModel;
let embedder: LocalEmbedder;
let paper: Awaited<ReturnType<typeof openPaperStore>>;
let deps: AskDeps;
const options: Partial<AskOptions> = { reserveForAnswer: 96, temperature: 0 };

beforeAll(async () => {
  const paths = testModelPaths();
  embedder = await loadEmbedder(paths.embedder);
  llm = await loadLanguageModel(paths.llm, { contextSize: 2048, threads: config().modelThreads });
  paper = await openPaperStore(embedder, 5);
  deps = { ...paper.deps, llm };
});

afterAll(async () => {
  await paper?.close();
  await llm?.dispose();
  await embedder?.dispose();
});

/** The answer as streamed: the final answer without the markers added by wording. */
function withoutAttributed(r: AskResult): string {
  let out = r.answer;
  for (const a of [...r.attributed].reverse()) out = out.slice(0, a.start - 1) + out.slice(a.end);
  return out;
}

/** For calibration: how each cited sentence matched its passage, and how close the runner-up came. */
function report(question: string, r: AskResult) {
  const passages = r.retrieval.used.map((u) => ({ n: u.n, text: u.hit.text }));
  const loose = { minCoverage: 0, minTerms: 0, minSharedRun: 0 };
  const rows = r.attributed.map((a) => {
    const before = r.answer.slice(0, a.start - 1);
    const sentence = before.slice(before.search(/[^.!?\n]*$/));
    const runnerUp = bestPassageByWording(sentence, passages.filter((p) => p.n !== a.n), loose);
    return { n: a.n, coverage: a.coverage, sharedRun: a.sharedRun, runnerUp };
  });
  console.info(JSON.stringify({ question, answer: r.answer, attributed: rows, unsupported: r.unsupportedSentences.map((s) => s.text) }));
}

async function askAndCheck(question: string, answerWords: string) {
  const streamed: string[] = [];
  const r = await ask({ question, collections: [PAPER_COLLECTION], deps, options, onToken: (t) => streamed.push(t) });
  report(question, r);
  expect(r.answered).toBe(true);
  expect(r.answer).toContain(answerWords);
  const holder = r.retrieval.used.find((u) => u.hit.text.replace(/\s+/g, " ").includes(answerWords));
  expect(holder, "the passage holding the answer was given").toBeTruthy();
  // At least one citation, from the model or by wording, resolves to that passage (page, offsets, quote).
  const cited = r.citations.filter((c) => c.chunkId === holder!.hit.id);
  expect(cited).toHaveLength(1);
  expect(cited[0]).toMatchObject({ n: holder!.n, page: holder!.hit.page, charStart: holder!.hit.charStart, quote: holder!.hit.text, fileName: "tracemonkey.pdf" });
  // Markers added by wording are listed, point at "[n]" in the answer, and never at another passage
  // than the one whose text holds their sentence's terms; the stream carried the text as generated.
  for (const a of r.attributed) expect(r.answer.slice(a.start, a.end)).toBe(`[${a.n}]`);
  expect(streamed.join("")).toBe(withoutAttributed(r));
  return { r, holder: holder! };
}

describe("attribution by wording with the real test LLM", () => {
  it("cites the passage a near-verbatim definition comes from (typed trace, page 4)", async () => {
    const { r, holder } = await askAndCheck("What is a typed trace?", "A typed trace is a trace annotated with a type for every variable");
    expect(holder.hit.page).toBe(4);
    expect(r.attributed.length + r.citations.length).toBeGreaterThan(0);
  });

  it("cites the passage for the lead's question (What is a trace tree?)", async () => {
    await askAndCheck("What is a trace tree?", "program path, which may cross function call boundaries");
  });
});
