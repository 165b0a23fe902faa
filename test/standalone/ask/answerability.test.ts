import { describe, expect, it } from "vitest";
import { judgeAnswerability, questionTerms, type LibraryTermStats, type TermOccurrence } from "@/lib/utils/answerability";
import { phraseOf } from "@/lib/utils/textWords";
import { hit } from "./fixtures";

// The gate's rules on hand-made passages; its rates on real documents are in `npm run bench -- answerability`.

const backPain = hit(
  "DISCHARGE MEDICATIONS: Percocet 1 to 2 tablets p.o. q.4h. p.r.n. pain, OxyContin SR 10 mg p.o. q.12h. The patient is normally on Coumadin.",
  { documentId: "lumbar", fileName: "Lumbar Laminectomy.txt" },
);
const endorsement = hit("Food For Athletes shall pay NFL Alumni a fee of $25,000 upon signing. This Agreement is governed by the laws of the State of Florida.", {
  documentId: "endorsement",
  fileName: "Endorsement Agreement.txt",
});
const license = hit("Licensee shall pay Licensor a royalty of 5% of Net Sales, payable quarterly.", { documentId: "license", fileName: "Trademark License.txt" });

function stats(documents: number, terms: Record<string, { chunks: number; docs: string[]; capped?: boolean }>): LibraryTermStats {
  const map = new Map<string, TermOccurrence>();
  // Keyed by the words as written, normalised here the way the gate does.
  for (const [k, v] of Object.entries(terms)) map.set(phraseOf(k).join(" "), { chunks: v.chunks, documents: new Set(v.docs), capped: v.capped ?? false });
  return { chunks: 100, documents, terms: map };
}

describe("questionTerms", () => {
  it("keeps compounds whole, folds possessives, drops question words and stopwords", () => {
    const terms = questionTerms("What is the non-compete period in the patient's GP-PB5-PC628 contract?");
    expect(terms.map((t) => t.surface)).toEqual(["non-compete", "period", "GP-PB5-PC628", "contract"]);
    expect(terms.find((t) => t.surface === "non-compete")!.alternatives).toContainEqual(["noncompetit"]);
    expect(terms.find((t) => t.surface === "contract")!.searchText).toContain("agreement");
  });
});

describe("judgeAnswerability", () => {
  it("refuses a drug that no readable document mentions, naming it", () => {
    const v = judgeAnswerability("What daily dose of lisinopril is the back pain patient taking at discharge?", [backPain], null);
    expect(v.answerable).toBe(false);
    expect(v.absentEverywhere).toEqual(["lisinopril"]);
    expect(v.document?.documentId).toBe("lumbar");
    // "laminectomy" is not in this passage, so the question does not name its document.
    expect(v.named).toBe(false);
  });

  it("knows when the question names the document it is about", () => {
    const v = judgeAnswerability("Which medication is the patient on after the OxyContin discharge?", [backPain, license, endorsement], null);
    expect(v.document?.documentId).toBe("lumbar");
    expect(v.named).toBe(true);
  });

  it("answers when the subject is in the passage, matched through stems and synonyms", () => {
    expect(judgeAnswerability("Which medication is the laminectomy patient normally on?", [backPain], null).answerable).toBe(true);
    expect(judgeAnswerability("What OxyContin dosage was the patient discharged with?", [backPain], null).answerable).toBe(true);
  });

  it("refuses a clause the named agreement lacks although another agreement has it (the partial case)", () => {
    const lib = stats(10, {
      royalty: { chunks: 3, docs: ["license"] },
      food: { chunks: 2, docs: ["endorsement"] },
      athletes: { chunks: 2, docs: ["endorsement"] },
      nfl: { chunks: 2, docs: ["endorsement"] },
      alumni: { chunks: 2, docs: ["endorsement"] },
      endorsement: { chunks: 2, docs: ["endorsement"] },
      rate: { chunks: 30, docs: ["license", "endorsement", "a", "b", "c"] },
    });
    const v = judgeAnswerability("What royalty rate does Food For Athletes pay NFL Alumni under the endorsement agreement?", [endorsement, license], lib);
    expect(v.answerable).toBe(false);
    expect(v.document?.documentId).toBe("endorsement");
    expect(v.absentFromDocument).toEqual(["royalty"]);
    expect(v.absentEverywhere).toEqual([]);
  });

  it("lets a question about the document that has the clause through", () => {
    const lib = stats(10, { royalty: { chunks: 3, docs: ["license"] }, licensee: { chunks: 9, docs: ["license"] } });
    expect(judgeAnswerability("What royalty does the licensee pay under the trademark license?", [endorsement, license], lib).answerable).toBe(true);
  });

  it("does not let everyday phrasing or terms most documents share decide", () => {
    const lib = stats(10, {
      keep: { chunks: 0, docs: [] },
      clinical: { chunks: 40, docs: ["a", "b", "c", "d", "e", "f"] },
      perioperative: { chunks: 200, docs: ["a"], capped: true },
      oxycontin: { chunks: 1, docs: ["lumbar"] },
    });
    const v = judgeAnswerability("How long must they keep the OxyContin, and is it clinical perioperative care?", [backPain], lib);
    expect(v.terms.filter((t) => t.subject).map((t) => t.surface)).toEqual(["OxyContin"]);
    expect(v.answerable).toBe(true);
  });

  it("treats codes and figures missing from the library as subjects, never as phrasing", () => {
    const v = judgeAnswerability("What IP rating does the GP-PB5-PC628 enclosure have?", [backPain], null);
    expect(v.answerable).toBe(false);
    expect(v.absentEverywhere).toEqual(expect.arrayContaining(["IP", "GP-PB5-PC628"]));
  });

  it("is not answerable without passages", () => {
    expect(judgeAnswerability("What is the dose?", [], null).answerable).toBe(false);
  });
});
