import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ask, type AskDeps, type AskOptions } from "@/lib/ask";
import { loadEmbedder, type LocalEmbedder } from "@/models/embedder";
import { loadLanguageModel, type LocalLanguageModel } from "@/models/llm";
import type { LanguageModel } from "@/models/types";
import type { SearchQuery } from "@/vectorstore/types";
import { testModelPaths } from "../testModels";
import { bestInMiddle, CORPUS, COLLECTION, openCorpusStore } from "./citationCorpus";

// Real citations from the real instruction-tuned test LLM: several passages are given, exactly
// one holds the answer, and the model's [n] must resolve to that passage (chunk, file, page).
// Hits are reordered so the answer passage is never [1]: a model that always cites [1] fails.
// Greedy decoding, so the outcome is deterministic for a given model file.

let llm: LocalLanguageModel;
let embedder: LocalEmbedder;
let corpus: Awaited<ReturnType<typeof openCorpusStore>>;
let deps: AskDeps;
const options: Partial<AskOptions> = { reserveForAnswer: 64, temperature: 0 };
/** Every passage given (relevance gate open), the top hit moved to the middle: the answer is [4] of 7. */
const allPassages: Partial<AskOptions> = { ...options, relevance: { maxVectorDistance: 2, minKeywordCoverage: 0 } };

beforeAll(async () => {
  const paths = testModelPaths();
  embedder = await loadEmbedder(paths.embedder);
  llm = await loadLanguageModel(paths.llm, { contextSize: 2048 });
  corpus = await openCorpusStore(embedder);
  deps = { ...corpus.deps, llm };
});

afterAll(async () => {
  await corpus?.close();
  await llm?.dispose();
  await embedder?.dispose();
});

/** The real model, with `marker` slipped into its stream after the first piece (and into its text). */
function withInjectedMarker(model: LanguageModel, marker: string): LanguageModel {
  return {
    modelName: model.modelName,
    contextSize: model.contextSize,
    countTokens: (text) => model.countTokens(text),
    async generate(messages, opts = {}) {
      // Held in an object: TypeScript does not see the callback assign it.
      const seen = { first: null as string | null };
      const res = await model.generate(messages, {
        ...opts,
        onToken: (piece) => {
          opts.onToken?.(seen.first === null ? `${piece}${marker}` : piece);
          seen.first ??= piece;
        },
      });
      const at = seen.first?.length ?? 0;
      return { ...res, text: res.text.slice(0, at) + marker + res.text.slice(at) };
    },
  };
}

function expectCitesOnly(r: Awaited<ReturnType<typeof ask>>, documentId: string, n: number) {
  const passage = CORPUS.find((p) => p.documentId === documentId)!;
  expect(r.retrieval.used.find((u) => u.hit.documentId === documentId)?.n, "where the answer passage was given").toBe(n);
  expect(r.citations.length).toBeGreaterThan(0);
  for (const c of r.citations) {
    expect(c).toMatchObject({ n, chunkId: `${documentId}-0`, documentId, collectionId: COLLECTION, fileName: passage.fileName, page: passage.page, quote: passage.text });
  }
  expect(r.answer).toContain(`[${n}]`);
}

describe("citations written by the real test LLM", () => {
  it("cites the passage that holds the answer, not the other passage about the same pump", async () => {
    // The relevance gate passes both P-101 passages; reversed, the answer is [2] and the distractor [1].
    const streamed: string[] = [];
    const r = await ask({
      question: "What is the isolation valve for pump P-101?",
      collections: [COLLECTION],
      deps: { ...deps, search: async (q: SearchQuery) => (await corpus.deps.search(q)).reverse() },
      options,
      onToken: (t) => streamed.push(t),
    });
    if (process.env.CAIRN_TEST_VERBOSE) console.info(JSON.stringify({ answer: r.answer, cited: r.citations.map((c) => [c.n, c.chunkId]) }));
    expect(r.answered).toBe(true);
    expect(r.answer).toMatch(/V-17/);
    expect(r.retrieval.used.map((u) => u.hit.documentId)).toEqual(["pump-lubrication", "pump-isolation"]);
    expectCitesOnly(r, "pump-isolation", 2);
    expect(r.dropped).toEqual([]);
    expect(streamed.join("")).toBe(r.answer);
  });

  it("drops a marker to a passage that was not given, in the stream and the answer, and keeps the real citation", async () => {
    const streamed: string[] = [];
    const r = await ask({
      question: "What is the maximum operating pressure of boiler B-2?",
      collections: [COLLECTION],
      deps: { ...deps, llm: withInjectedMarker(llm, " [9]"), search: async (q: SearchQuery) => bestInMiddle(await corpus.deps.search(q)) },
      options: allPassages,
      onToken: (t) => streamed.push(t),
    });
    if (process.env.CAIRN_TEST_VERBOSE) console.info(JSON.stringify({ answer: r.answer, cited: r.citations.map((c) => [c.n, c.chunkId]), dropped: r.dropped }));
    expect(r.answer).toMatch(/12 bar/);
    expect(r.dropped).toEqual([{ n: 9, marker: "[9]" }]);
    expect(r.answer).not.toContain("[9]");
    expect(streamed.join("")).toBe(r.answer);
    expect(r.retrieval.used).toHaveLength(CORPUS.length);
    expectCitesOnly(r, "boiler-pressure", 4);
  });
});
