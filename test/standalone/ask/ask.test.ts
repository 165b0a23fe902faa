import { describe, expect, it } from "vitest";
import { ask, NO_ANSWER, type AskDeps, type AskOptions } from "@/lib/ask";
import type { ChatMessage, GenerateOptions, LanguageModel } from "@/models/types";
import type { SearchHit, SearchQuery } from "@/vectorstore/types";
import { countWords, hit } from "./fixtures";

// Test doubles here only check calls (was the LLM called? which query reached search?)
// and stream wiring. What the real model does is covered in test/modelDependent/ask.

const options: Partial<AskOptions> = {
  relevance: { maxVectorDistance: 0.5, minKeywordCoverage: 0.5 },
  reserveForAnswer: 64,
  searchLimit: 5,
};

function recordingLlm(script: string[] = []) {
  const calls: { messages: ChatMessage[]; options?: GenerateOptions }[] = [];
  const llm: LanguageModel = {
    modelName: "recording",
    contextSize: 2048,
    countTokens: countWords,
    async generate(messages, opts) {
      calls.push({ messages, options: opts });
      for (const piece of script) opts?.onToken?.(piece);
      return { text: script.join(""), tokens: script.length, promptTokens: 0, aborted: false, queuedMs: 0, generationMs: 0 };
    },
  };
  return { llm, calls };
}

function deps(hits: SearchHit[], llm: LanguageModel) {
  const searches: SearchQuery[] = [];
  const embedded: string[] = [];
  const d: AskDeps = {
    embedder: {
      async embed(texts) {
        embedded.push(...texts);
        return texts.map(() => new Float32Array(4));
      },
    },
    llm,
    async search(q) {
      searches.push(q);
      return hits;
    },
    async documentNames(ids) {
      return new Map(ids.map((id) => [id, `${id}.pdf`]));
    },
  };
  return { deps: d, searches, embedded };
}

const pumpHit = hit("To isolate pump P-101, close valve V-12 and lock out breaker B-4.", { vectorDistance: 0.3 });
const offTopic = [
  hit("The cafeteria opens at eight.", { vectorDistance: 0.9 }),
  hit("Parking permits are renewed in January.", { vectorDistance: 1.1 }),
];

describe("ask", () => {
  it("answers 'nothing found' without calling the LLM when nothing relevant is retrieved", async () => {
    const { llm, calls } = recordingLlm(["should never be generated"]);
    const { deps: d, searches } = deps(offTopic, llm);
    const tokens: string[] = [];
    const r = await ask({ question: "What is the boiling point of mercury?", collections: ["col-a"], deps: d, options, onToken: (t) => tokens.push(t) });
    expect(calls).toHaveLength(0);
    expect(searches).toHaveLength(1);
    expect(r.answer).toBe(NO_ANSWER);
    expect(r.answered).toBe(false);
    expect(r.citations).toEqual([]);
    expect(tokens.join("")).toBe(NO_ANSWER);
    expect(r.retrieval.leftOut.map((l) => l.reason)).toEqual(["not_relevant", "not_relevant"]);
  });

  it("reads nothing when the caller may read no collection", async () => {
    const { llm, calls } = recordingLlm(["x"]);
    const { deps: d, searches, embedded } = deps([pumpHit], llm);
    const r = await ask({ question: "How do I isolate pump P-101?", collections: [], deps: d, options });
    expect(r.answer).toBe(NO_ANSWER);
    expect([calls.length, searches.length, embedded.length]).toEqual([0, 0, 0]);
  });

  it("passes the caller's collections into the search and gates on keywords even when vectors are far", async () => {
    const { llm, calls } = recordingLlm(["Close valve V-12 [1]."]);
    const farButMatching = { ...pumpHit, vectorDistance: 1.4 };
    const { deps: d, searches } = deps([farButMatching, ...offTopic], llm);
    const r = await ask({ question: "How do I isolate pump P-101?", collections: ["col-a", "col-b"], deps: d, options });
    expect(searches[0]).toMatchObject({ collections: ["col-a", "col-b"], mode: "hybrid", limit: 5 });
    expect(searches[0].vector).toBeInstanceOf(Float32Array);
    expect(calls).toHaveLength(1);
    expect(r.retrieval.used.map((u) => u.hit.id)).toEqual([pumpHit.id]);
    expect(r.retrieval.used[0].hit.fileName).toBe(`${pumpHit.documentId}.pdf`);
    expect(r.retrieval.leftOut.map((l) => [l.hit.id, l.reason])).toEqual(offTopic.map((h) => [h.id, "not_relevant"]));
  });

  it("streams exactly the final answer, invalid citations removed on the fly", async () => {
    const script = ["Close", " valve V-12 [", "1]", " and lock", " B-4 [", "2", "]."];
    const { llm } = recordingLlm(script);
    const { deps: d } = deps([pumpHit], llm);
    const tokens: string[] = [];
    const r = await ask({ question: "How do I isolate pump P-101?", collections: ["col-a"], deps: d, options, onToken: (t) => tokens.push(t) });
    expect(r.answer).toBe("Close valve V-12 [1] and lock B-4.");
    expect(tokens.join("")).toBe(r.answer);
    expect(r.dropped).toEqual([{ n: 2, marker: "[2]" }]);
    expect(r.citations.map((c) => [c.n, c.chunkId, c.fileName])).toEqual([[1, pumpHit.id, `${pumpHit.documentId}.pdf`]]);
    expect(r.unsupportedSentences).toEqual([]);
  });

  it("searches a follow-up with the earlier question's subject, but answers the question as asked", async () => {
    const { llm, calls } = recordingLlm(["Close valve V-14 [1]."]);
    const { deps: d, searches, embedded } = deps([pumpHit], llm);
    const history: ChatMessage[] = [
      { role: "user", content: "How do I isolate pump P-101 before maintenance?" },
      { role: "assistant", content: "Close valve V-12 [1]." },
    ];
    const r = await ask({ question: "and what about the second one?", history, collections: ["col-a"], deps: d, options });
    expect(r.retrieval.condensed).toBe(true);
    expect(searches[0].query).toBe("How do I isolate pump P-101 before maintenance? and what about the second one?");
    expect(embedded).toEqual([searches[0].query]);
    const lastUser = calls[0].messages.at(-1)!.content;
    expect(lastUser.endsWith("Question: and what about the second one?")).toBe(true);
    expect(calls[0].messages.map((m) => m.role)).toEqual(["system", "user", "assistant", "user"]);
  });

  it("passes the abort signal to the model and stops before searching when already aborted", async () => {
    const { llm, calls } = recordingLlm(["x [1]."]);
    const { deps: d, searches, embedded } = deps([pumpHit], llm);
    const controller = new AbortController();
    await ask({ question: "How do I isolate pump P-101?", collections: ["col-a"], deps: d, options, signal: controller.signal });
    expect(calls[0].options?.signal).toBe(controller.signal);
    const reason = new Error("client disconnected");
    controller.abort(reason);
    // It rejects with the abort itself (the signal's reason), not with some other failure on the way.
    await expect(ask({ question: "How do I isolate pump P-101?", collections: ["col-a"], deps: d, options, signal: controller.signal })).rejects.toBe(reason);
    const plain = new AbortController();
    plain.abort();
    await expect(ask({ question: "How do I isolate pump P-101?", collections: ["col-a"], deps: d, options, signal: plain.signal })).rejects.toMatchObject({ name: "AbortError" });
    expect(embedded).toHaveLength(1);
    expect(searches).toHaveLength(1);
    expect(calls).toHaveLength(1);
  });

  it("refuses in its own words, without calling the LLM, when the question's subject is in no passage", async () => {
    const { llm, calls } = recordingLlm(["The dose of lisinopril is 100 mg [1]."]);
    const { deps: d } = deps([pumpHit], llm);
    const tokens: string[] = [];
    const r = await ask({ question: "What daily dose of lisinopril is taken before isolating pump P-101?", collections: ["col-a"], deps: d, options, onToken: (t) => tokens.push(t) });
    expect(calls).toHaveLength(0);
    expect(r.answered).toBe(false);
    // Both are missing; the message names the drug, which says best what is not there.
    expect(r.refusal).toEqual({ reason: "terms_missing", missingTerms: ["dose", "lisinopril"] });
    expect(r.answer).toMatch(/^Your documents don't mention “lisinopril”\. The closest passage, in doc-\d+\.pdf, page 1, reads: “To isolate pump P-101, close valve V-12 and lock out breaker B-4\.” \[1\]\.$/);
    expect(tokens.join("")).toBe(r.answer);
    expect(r.citations.map((c) => c.chunkId)).toEqual([pumpHit.id]);
    // The quoted sentence is the passage's own words: verified against it.
    const quoted = r.sentences.find((s) => s.citations.includes(1))!;
    expect(quoted.verdict).toBe("verified");
    expect(quoted.support.map((sp) => pumpHit.text.slice(sp.charStart - pumpHit.charStart, sp.charEnd - pumpHit.charStart))).toEqual([pumpHit.text]);
  });

  it("withholds a generated sentence whose value is in no passage, and keeps the verified one", async () => {
    const { llm } = recordingLlm(["Close valve V-12 [1].", " Then wait 45 minutes [1]."]);
    const { deps: d } = deps([pumpHit], llm);
    const tokens: string[] = [];
    const r = await ask({ question: "How do I isolate pump P-101?", collections: ["col-a"], deps: d, options, onToken: (t) => tokens.push(t) });
    // The stream showed the tokens as they came; the final answer carries the verdicts.
    expect(tokens.join("")).toBe("Close valve V-12 [1]. Then wait 45 minutes [1].");
    expect(r.answered).toBe(true);
    expect(r.answer).toBe("Close valve V-12 [1].");
    expect(r.withheld).toEqual([{ text: "Then wait 45 minutes.", values: ["45 minutes"], reason: "value_not_in_passages" }]);
    expect(r.sentences.map((s) => [s.text, s.verdict])).toEqual([["Close valve V-12 [1].", "verified"]]);
  });

  it("replaces an answer with nothing verified by Cairn's own message, and recognises the model's decline", async () => {
    for (const [script, reason] of [
      [["Pump P-101 is isolated with valve V-99 [1]."], "nothing_verified"],
      [["The documents do not say."], "model_declined"],
    ] as const) {
      const { llm, calls } = recordingLlm([...script]);
      const { deps: d } = deps([pumpHit], llm);
      // The passage holds the pump but no sentence about draining it: nothing to quote either.
      const r = await ask({ question: "How long does pump P-101 take to drain?", collections: ["col-a"], deps: d, options });
      expect(calls).toHaveLength(1);
      expect(r.answered).toBe(false);
      expect(r.quoted ?? null).toBeNull();
      expect(r.refusal?.reason).toBe(reason);
      expect(r.answer).not.toContain("V-99");
      expect(r.answer).toContain("The closest passage, in ");
      expect(r.citations.map((c) => c.chunkId)).toEqual([pumpHit.id]);
    }
  });

  it("quotes the passage's own sentence when the model's answer fails verification but a sentence answers the question", async () => {
    for (const [script, reason] of [
      [["Pump P-101 is isolated with valve V-99 [1]."], "nothing_verified"],
      [["The documents do not say."], "model_declined"],
    ] as const) {
      const { llm, calls } = recordingLlm([...script]);
      const { deps: d } = deps([pumpHit], llm);
      const r = await ask({ question: "How do I isolate pump P-101?", collections: ["col-a"], deps: d, options });
      expect(calls).toHaveLength(1);
      expect(r.answered).toBe(true);
      expect(r.refusal).toBeNull();
      expect(r.quoted).toEqual({ reason, modelAnswer: script[0] });
      expect(r.answer).toBe("Your document says: “To isolate pump P-101, close valve V-12 and lock out breaker B-4.” [1]");
      expect(r.answer).not.toContain("V-99");
      // Verified by construction: the support is exactly the quoted words on the page.
      expect(r.sentences.every((s) => s.verdict === "verified")).toBe(true);
      const support = r.sentences[0].support[0];
      expect(support.n).toBe(1);
      expect(support.charEnd - support.charStart).toBe(pumpHit.text.length);
      expect(r.citations.map((c) => c.chunkId)).toEqual([pumpHit.id]);
    }
  });

  it("asked how much, sets aside an answer whose verified sentences state no number (14c): the document's figure is quoted instead", async () => {
    const report = hit("DESCRIPTION OF OPERATION: The patient was taken to the operating room. ESTIMATED BLOOD LOSS: 10 mL.", { vectorDistance: 0.3 });
    const { llm } = recordingLlm(["The patient was taken to the operating room [1]."]);
    const { deps: d } = deps([report], llm);
    const r = await ask({ question: "How much blood was lost during the operation?", collections: ["col-a"], deps: d, options });
    expect(r.quoted?.reason).toBe("nothing_verified");
    expect(r.answer).toContain("10 mL");
    // The same verified sentence answers a question that asks for no quantity.
    const { llm: again } = recordingLlm(["The patient was taken to the operating room [1]."]);
    const r2 = await ask({ question: "Where was the patient taken for the operation?", collections: ["col-a"], deps: deps([report], again).deps, options });
    expect(r2.quoted ?? null).toBeNull();
    expect(r2.answer).toBe("The patient was taken to the operating room [1].");
  });

  it("rejects an empty question with a clear error", async () => {
    const { llm } = recordingLlm();
    const { deps: d } = deps([], llm);
    await expect(ask({ question: "   ", collections: ["col-a"], deps: d, options })).rejects.toMatchObject({ reason: "empty_question" });
  });
});
