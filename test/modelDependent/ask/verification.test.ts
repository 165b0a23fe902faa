import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ask, type AskDeps, type AskOptions } from "@/lib/ask";
import { libraryTermStats } from "@/lib/termStats";
import type { LocalLanguageModel } from "@/models/llm";
import { openAskFixture, type AskFixture } from "../utils/askFixture";
import { recordingModel } from "../utils/recordingModel";

// Issue 14's guarantees with the real test models and a real LanceDB store: the answerability gate
// keeps a question about a term no passage holds away from the LLM, and a sentence stating a value
// its cited passage lacks is never verified — whatever the 0.5B model writes. The sentences under
// test are forced into the real model's stream by the recording wrapper; the checks are Cairn's.

const PAGES = [
  {
    documentId: "pump-manual",
    fileName: "pump-manual.pdf",
    page: 14,
    // The passage sits mid-page: offsets must be page offsets, not passage offsets.
    lead: "Section 7. Maintenance. ",
    text: "To isolate pump P-101 before maintenance, close suction valve V-12 and discharge valve V-13, then lock out breaker B-4. The casing pressure must read below 35 kPa before the casing is opened.",
  },
  {
    documentId: "supply-contract",
    fileName: "supply-contract.pdf",
    page: 3,
    lead: "",
    text: "Either party may terminate this supply agreement by giving ninety (90) days written notice to the other party. This agreement is governed by the laws of the State of Delaware.",
  },
];

let fixture: AskFixture;
let llm: LocalLanguageModel;
let deps: AskDeps;
const options: Partial<AskOptions> = { reserveForAnswer: 48 };
const pageText = (id: string) => {
  const p = PAGES.find((x) => x.documentId === id)!;
  return p.lead + p.text;
};

beforeAll(async () => {
  fixture = await openAskFixture(PAGES.map((p) => ({ ...p, collectionId: "engineering", charStart: p.lead.length })));
  llm = fixture.llm;
  const termStats = libraryTermStats(fixture.store);
  deps = {
    ...fixture.deps,
    // The real BM25-backed statistics; the document count comes from the pages here, not a metadata db.
    termStats: async (terms, collections) => ({ ...(await termStats(terms, collections)), documents: PAGES.length }),
  };
});

afterAll(async () => {
  await fixture?.close();
});

describe("verified answers with the real models", () => {
  it("never calls the LLM for a question whose subject no passage holds, and quotes the closest passage at its page offsets", async () => {
    const model = recordingModel(llm);
    const streamed: string[] = [];
    const r = await ask({
      question: "What daily dose of lisinopril should the technician take before isolating pump P-101?",
      collections: ["engineering"],
      deps: { ...deps, llm: model },
      options,
      onToken: (t) => streamed.push(t),
    });
    expect(model.calls).toHaveLength(0);
    expect(r.answered).toBe(false);
    expect(r.refusal?.reason).toBe("terms_missing");
    expect(r.refusal?.missingTerms).toContain("lisinopril");
    expect(r.answer.startsWith("Your documents don't mention “")).toBe(true);
    expect(streamed.join("")).toBe(r.answer);
    const quoted = r.sentences.find((s) => s.verdict === "verified")!;
    const c = r.citations.find((x) => quoted.citations.includes(x.n))!;
    expect(c.documentId).toBe("pump-manual");
    for (const sp of quoted.support) expect(quoted.text).toContain(pageText(c.documentId).slice(sp.charStart, sp.charEnd));
  });

  it("never shows a sentence whose number is in no passage, nor verifies one citing a passage without its number", async () => {
    // Forced into the real model's stream, before whatever it writes: a verified line, an invented
    // figure, and a real figure from the contract attributed to the pump manual.
    const model = recordingModel(llm, {
      prefix: [
        "Close suction valve V-12 and discharge valve V-13, then lock out breaker B-4 [1].\n",
        "The casing pressure must read below 999 kPa [1].\n",
        "Notice of ninety (90) days is needed before opening the casing [1].\n",
      ],
    });
    const r = await ask({ question: "How do I isolate pump P-101 before maintenance?", collections: ["engineering"], deps: { ...deps, llm: model }, options });
    expect(model.calls).toHaveLength(1);
    const pumpN = r.retrieval.used.find((u) => u.hit.documentId === "pump-manual")!.n;
    expect(pumpN).toBe(1);
    // The invented figure is withheld, with the value named.
    expect(r.answer).not.toContain("999");
    expect(r.withheld.some((w) => w.values.includes("999 kPa"))).toBe(true);
    // Whatever else stays, no sentence stating 999 or a 90-day notice is verified.
    for (const s of r.sentences) {
      if (/999|\b90\b|ninety/i.test(s.text)) expect(s.verdict).not.toBe("verified");
    }
    // The real figure from another given passage is kept (not invented) but marked as not in its cited passage.
    const misattributed = r.sentences.find((s) => /ninety|90/.test(s.text));
    if (r.retrieval.used.some((u) => u.hit.documentId === "supply-contract")) {
      expect(misattributed?.verdict).toBe("not_in_cited");
      expect(misattributed?.missingClaims.join(" ")).toMatch(/ninety|90/);
    } else {
      expect(misattributed).toBeUndefined();
    }
    // The copied line is verified, and its support offsets point at its own words on the page.
    const first = r.sentences[0]!;
    expect(first.text.startsWith("Close suction valve V-12")).toBe(true);
    expect(first.verdict).toBe("verified");
    expect(first.support.length).toBeGreaterThan(0);
    const page = pageText("pump-manual");
    for (const sp of first.support) {
      expect(sp.n).toBe(pumpN);
      const words = page.slice(sp.charStart, sp.charEnd);
      expect(first.text.toLowerCase()).toContain(words.toLowerCase().split(/\s+/)[0]!.replace(/[^\p{L}\p{N}-]/gu, ""));
    }
  });

  it("answers with the passage's own sentence, quoted verbatim at its page offsets, when the model declines a question a sentence answers", async () => {
    // Forced: the model's first line is the decline; whatever it writes after, Cairn looks for the sentence itself.
    const model = recordingModel(llm, { prefix: ["The documents do not say.\n"] });
    const r = await ask({ question: "How much notice is needed to terminate the supply agreement?", collections: ["engineering"], deps: { ...deps, llm: model }, options });
    expect(model.calls).toHaveLength(1);
    expect(r.quoted?.reason).toBe("model_declined");
    expect(r.quoted?.modelAnswer.startsWith("The documents do not say.")).toBe(true);
    expect(r.answered).toBe(true);
    const contractN = r.retrieval.used.find((u) => u.hit.documentId === "supply-contract")!.n;
    expect(r.citations.map((c) => c.n)).toEqual([contractN]);
    expect(r.answer).toContain("“Either party may terminate this supply agreement by giving ninety (90) days written notice to the other party.”");
    // Verified by construction, and the support is those words on the page.
    for (const s of r.sentences) expect(s.verdict).toBe("verified");
    const sp = r.sentences[0]!.support[0]!;
    expect(pageText("supply-contract").slice(sp.charStart, sp.charEnd)).toBe("Either party may terminate this supply agreement by giving ninety (90) days written notice to the other party.");
  });
});
