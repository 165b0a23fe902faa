import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ask, type AskDeps, type AskOptions } from "@/lib/ask";
import { loadEmbedder, type LocalEmbedder } from "@/models/embedder";
import { loadLanguageModel, type LocalLanguageModel } from "@/models/llm";
import type { SearchHit, SearchQuery } from "@/vectorstore/types";
import { testModelPaths, testModelThreads } from "../testModels";
import { expectAnswerGuarantees } from "../utils/answerGuarantees";
import { quotingLine } from "../utils/promptPassages";
import { recordingModel, type Steering } from "../utils/recordingModel";
import { CORPUS, COLLECTION, openCorpusStore } from "./citationCorpus";

// Citations around the real test LLM, checked as guarantees whatever the model writes: markers to
// passages that were not given are dropped from the stream and the answer; every kept citation
// resolves to the passage given (and shown to the model) under its number, with its file, page,
// offsets and quote. The markers the test needs are slipped into the real model's stream by a
// recording wrapper — a line quoting a given passage, so answer verification keeps it — and no
// assertion depends on which passage a 0.5B model picks on this CPU, or on what it writes (that is
// quality: test/modelDependent/ask/citationRate.ts measures it as a rate).

let llm: LocalLanguageModel;
let embedder: LocalEmbedder;
let corpus: Awaited<ReturnType<typeof openCorpusStore>>;
let deps: AskDeps;
/** Every passage given (relevance gate open), so the numbers the test injects exist. */
const allPassages: Partial<AskOptions> = { reserveForAnswer: 64, temperature: 0, relevance: { maxVectorDistance: 2, minKeywordCoverage: 0 } };
/** Each CORPUS passage is one chunk covering its whole page. */
const pageText = (documentId: string) => CORPUS.find((p) => p.documentId === documentId)!.text;

beforeAll(async () => {
  const paths = testModelPaths();
  embedder = await loadEmbedder(paths.embedder, { threads: testModelThreads() });
  llm = await loadLanguageModel(paths.llm, { contextSize: 2048, threads: testModelThreads() });
  corpus = await openCorpusStore(embedder);
  deps = { ...corpus.deps, llm };
});

afterAll(async () => {
  await corpus?.close();
  await llm?.dispose();
  await embedder?.dispose();
});

/** Asks with the real model, steered; returns the result, what was streamed, and the recorded call. */
async function askSteered(question: string, steering: Steering, reorder: (hits: SearchHit[]) => SearchHit[] = (h) => h) {
  const model = recordingModel(llm, steering);
  const searched: SearchHit[][] = [];
  const streamed: string[] = [];
  const r = await ask({
    question,
    collections: [COLLECTION],
    deps: {
      ...deps,
      llm: model,
      search: async (q: SearchQuery) => {
        const hits = reorder(await corpus.deps.search(q));
        searched.push(hits);
        return hits;
      },
    },
    options: allPassages,
    onToken: (t) => streamed.push(t),
  });
  if (process.env.CAIRN_TEST_VERBOSE) console.info(JSON.stringify({ answer: r.answer, cited: r.citations.map((c) => [c.n, c.chunkId]), dropped: r.dropped }));
  expect(model.calls).toHaveLength(1);
  const call = model.calls[0]!;
  expectAnswerGuarantees(r, { streamed: streamed.join(""), raw: call.result!.text, messages: call.messages, pageText });
  // Passages are numbered in the order the search returned them.
  expect(r.retrieval.used.map((u) => u.hit.id)).toEqual(searched[0]!.map((h) => h.id));
  return { r, streamed: streamed.join(""), call };
}

describe("citations around the real test LLM", () => {
  it("a citation names the passage given under its number, whatever order the search returns", async () => {
    const question = "What is the isolation valve for pump P-101?";
    const steering: Steering = { prefix: (messages) => quotingLine(messages, 1, [1]) };
    const inOrder = await askSteered(question, steering);
    const reversed = await askSteered(question, steering, (hits) => [...hits].reverse());
    for (const { r } of [inOrder, reversed]) {
      expect(r.answered).toBe(true);
      expect(r.retrieval.used).toHaveLength(CORPUS.length);
      const first = r.retrieval.used.find((u) => u.n === 1)!.hit;
      const passage = CORPUS.find((p) => p.documentId === first.documentId)!;
      expect(r.citations.find((c) => c.n === 1)).toMatchObject({ chunkId: first.id, fileName: passage.fileName, page: passage.page, quote: passage.text });
      expect(r.answer).toContain("[1]");
    }
    // Reversed, [1] is another passage, and the citation follows it.
    const cited = (x: typeof inOrder) => x.r.citations.find((c) => c.n === 1)!.chunkId;
    expect(cited(reversed)).not.toBe(cited(inOrder));
    expect(cited(reversed)).toBe(inOrder.r.retrieval.used.at(-1)!.hit.id);
  }, 600_000); // two generations: minutes with two llama threads on a shared 2-core box

  it("drops a marker to a passage that was not given, in the stream and the answer, and keeps the real citation", async () => {
    // Split across pieces as a model streams it: the filter must hold "[" back until it knows.
    const { r, streamed, call } = await askSteered("What is the maximum operating pressure of boiler B-2?", {
      prefix: (messages) => quotingLine(messages, 4, [9, 4]),
    });
    expect(call.result!.text).toContain(" [9] [4].\n");
    expect(r.answered).toBe(true);
    expect(r.dropped).toContainEqual({ n: 9, marker: "[9]" });
    expect(r.answer).not.toContain("[9]");
    expect(streamed).not.toContain("[9]");
    expect(r.answer).toContain("[4]");
    const fourth = r.retrieval.used.find((u) => u.n === 4)!.hit;
    const passage = CORPUS.find((p) => p.documentId === fourth.documentId)!;
    expect(r.citations.find((c) => c.n === 4)).toMatchObject({
      chunkId: fourth.id,
      documentId: passage.documentId,
      collectionId: COLLECTION,
      fileName: passage.fileName,
      page: passage.page,
      charStart: 0,
      charEnd: passage.text.length,
      quote: passage.text,
    });
  });
});
