import { describe, expect, it } from "vitest";
import { ask, type AskDeps, type AskOptions } from "@/lib/ask";
import { statsFromPassages } from "@/lib/utils/answerability";
import type { LanguageModel } from "@/models/types";
import type { SearchHit, SearchQuery } from "@/vectorstore/types";
import { countWords, hit } from "./fixtures";

// The second look inside the answer's document (lib/documentPassages): before generation when the
// document holds a subject term its given passages miss, and for a sentence to quote when the model
// failed and no given sentence answers. The search double answers a document-narrowed query with
// that document's other passages, as the store does inside the LanceDB query.

const options: Partial<AskOptions> = { relevance: { maxVectorDistance: 0.5, minKeywordCoverage: 0.5 }, reserveForAnswer: 64, searchLimit: 5 };

function setup(given: SearchHit[], inDocument: SearchHit[], script: string) {
  const prompts: string[] = [];
  const searches: SearchQuery[] = [];
  const llm: LanguageModel = {
    modelName: "scripted",
    contextSize: 2048,
    countTokens: countWords,
    async generate(messages, opts) {
      prompts.push(messages.map((m) => m.content).join("\n"));
      opts?.onToken?.(script);
      return { text: script, tokens: 1, promptTokens: 0, aborted: false, queuedMs: 0, generationMs: 0 };
    },
  };
  const deps: AskDeps = {
    embedder: { embed: async (texts) => texts.map(() => new Float32Array(4)) },
    llm,
    async search(q) {
      searches.push(q);
      return q.documents ? inDocument.filter((h) => q.documents!.includes(h.documentId)) : given;
    },
    documentNames: async (ids) => new Map(ids.map((id) => [id, `${id}.txt`])),
    // The library: every passage of the document, given or not.
    termStats: async (terms) => statsFromPassages(terms, [...given, ...inDocument]),
  };
  return { deps, prompts, searches };
}

describe("a second look inside the answer's document", () => {
  const preamble = hit("CONSULTING AGREEMENT between Coral Gold Resources Ltd. and Intermark Capital Corp., made as of May 1, 2020.", {
    documentId: "coral",
    vectorDistance: 0.3,
  });
  const termClause = hit("4.2 The term of this Agreement is for a period of five (5) years commencing on the Effective Date.", { documentId: "coral", vectorDistance: 0.3 });

  it("gives the model the document's passage holding the asked-about term when the search's passages all miss it", async () => {
    const { deps, prompts, searches } = setup([preamble], [termClause, preamble], "The documents do not say.");
    const r = await ask({ question: "How long is the term of the Coral Gold consulting agreement?", collections: ["col-a"], deps, options });
    // Narrowed to the one document, and still to the caller's collections.
    expect(searches[1]).toMatchObject({ documents: ["coral"], collections: ["col-a"] });
    expect(prompts).toHaveLength(1);
    expect(prompts[0]).toContain("five (5) years");
    expect(r.retrieval.used[0].hit.id).toBe(termClause.id);
    // The model declined; the clause now given answers, quoted verbatim.
    expect(r.answer).toBe("Your document says: “4.2 The term of this Agreement is for a period of five (5) years commencing on the Effective Date.” [1]");
  });

  it("adds nothing when the given passages already hold every subject term", async () => {
    const { deps, searches } = setup([termClause], [preamble, termClause], "The term is five (5) years [1].");
    const r = await ask({ question: "How long is the term of the Coral Gold consulting agreement?", collections: ["col-a"], deps, options });
    expect(searches).toHaveLength(1);
    expect(r.answered).toBe(true);
    expect(r.quoted ?? null).toBeNull();
  });

  it("quotes a sentence from the rest of the document when the model failed and no given sentence answers, numbered after those given", async () => {
    const drains = hit("Pump P-101 drains into tank T-4 through valve V-7.", { documentId: "pump", vectorDistance: 0.3 });
    const time = hit("Draining pump P-101 fully takes 45 minutes.", { documentId: "pump", vectorDistance: 0.3 });
    const { deps, prompts, searches } = setup([drains], [drains, time], "The documents do not say.");
    const r = await ask({ question: "How long does pump P-101 take to drain?", collections: ["col-a"], deps, options });
    // The model saw only the given passage; the quote's passage came after, from the same document.
    expect(prompts[0]).not.toContain("45 minutes");
    expect(searches.at(-1)).toMatchObject({ documents: ["pump"], collections: ["col-a"] });
    expect(r.answered).toBe(true);
    expect(r.quoted?.reason).toBe("model_declined");
    expect(r.answer).toBe("Your document says: “Draining pump P-101 fully takes 45 minutes.” [2]");
    expect(r.retrieval.used.map((u) => [u.n, u.hit.id])).toEqual([
      [1, drains.id],
      [2, time.id],
    ]);
    expect(r.citations.map((c) => c.chunkId)).toEqual([time.id]);
    expect(r.sentences.find((s) => s.citations.includes(2))?.verdict).toBe("verified");
  });

  it("never quotes another document's passage from that search", async () => {
    const drains = hit("Pump P-101 drains into tank T-4 through valve V-7.", { documentId: "pump", vectorDistance: 0.3 });
    const elsewhere = hit("Draining pump P-101 fully takes 45 minutes.", { documentId: "other-manual", vectorDistance: 0.3 });
    const { deps } = setup([drains], [elsewhere], "The documents do not say.");
    const r = await ask({ question: "How long does pump P-101 take to drain?", collections: ["col-a"], deps, options });
    expect(r.answered).toBe(false);
    expect(r.answer).not.toContain("45 minutes");
  });
});
