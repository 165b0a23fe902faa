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

describe("questionTerms: clause types of several words", () => {
  const supply = hit("Supplier shall sell the Products to Buyer at the prices in Schedule A. Buyer receives a rebate of 2% on orders above 10,000 units.", {
    documentId: "supply",
    fileName: "Supply Agreement.txt",
  });
  const mfn = hit("Supplier grants Buyer most-favored customer pricing: no other customer shall receive lower prices for the Products.", {
    documentId: "mfn",
    fileName: "Supply Agreement.txt",
  });

  it("forms the phrase although its words are stop words or everyday ones, and the gate requires it", () => {
    expect(questionTerms("What most favoured customer pricing does the Buyer get?").map((t) => t.surface)).toContain("most favoured");
    expect(questionTerms("What happens on a change of control of the Supplier?").map((t) => t.surface)).toContain("change of control");
    const v = judgeAnswerability("What most favoured customer pricing does the Buyer get under the supply agreement?", [supply], null);
    expect(v.answerable).toBe(false);
    expect(v.absentEverywhere).toContain("most favoured");
  });

  it("answers when the agreement has the clause, in either spelling", () => {
    expect(judgeAnswerability("What most favoured customer pricing does the Buyer get under the supply agreement?", [mfn], null).answerable).toBe(true);
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

// How reports and agreements write what a question asks in full words: abbreviations, negated
// forms and irregular verbs must not make an answerable question look unanswerable.
describe("judgeAnswerability: lexical variants", () => {
  const exam = hit("PHYSICAL EXAMINATION: Wt. 77kg, BP 130/80, HR 72, RR 16, Temp. 98.6. EBL: 50 cc. Hx of hypertension. He is s/p left TKA.", {
    documentId: "exam",
    fileName: "Exam.txt",
  });
  const surgery = hit("On 9/1/93, he underwent suboccipital craniotomy with tumor excision. He was given Ancef 1 g i.v.", { documentId: "mri", fileName: "MRI.txt" });
  const invoices = hit("Any amount not paid when due shall bear interest at the rate of one and one-half percent (1.5%) per month.", { documentId: "merc", fileName: "Sponsorship.txt" });
  const answerable = (q: string, p = exam) => judgeAnswerability(q, [p], null).answerable;

  it("finds a clinical measure by its report abbreviation", () => {
    expect(answerable("What was the patient's weight on examination?")).toBe(true);
    expect(answerable("What was the estimated blood loss?")).toBe(true);
    expect(answerable("What was the heart rate on examination?")).toBe(true);
    expect(answerable("What was the respiratory rate?")).toBe(true);
    expect(answerable("What temperature was recorded?")).toBe(true);
    expect(answerable("What history of hypertension does the patient have?")).toBe(true);
    // "EXAM:" is the report's heading for the examination.
    expect(questionTerms("What was found on examination?").find((t) => t.surface === "examination")!.alternatives).toContainEqual(["exam"]);
    // The measure the report does not give stays missing.
    expect(answerable("What was the patient's height on examination?")).toBe(false);
  });

  it("keeps a lone abbreviation of a phrase to its own sense: 'hr' alone is an hour, not a heart rate", () => {
    const rate = questionTerms("What is the rate of infusion per hour?").find((t) => t.surface === "rate")!;
    expect(rate.alternatives).not.toContainEqual(["hr"]);
    expect(questionTerms("What heart rate was measured?").find((t) => t.surface === "rate")!.alternatives).toContainEqual(["hr"]);
  });

  it("folds irregular verb forms to their lemma", () => {
    expect(answerable("When did the patient undergo suboccipital craniotomy?", surgery)).toBe(true);
    expect(answerable("Which antibiotic did they give the patient?", surgery)).toBe(true);
    expect(answerable("When did the patient undergo a laminectomy?", surgery)).toBe(false);
  });

  it("reads a negated form as its prefixed twin: 'unpaid' is 'not paid'", () => {
    expect(answerable("What interest rate is charged on unpaid balances?", invoices)).toBe(true);
    expect(answerable("What interest rate is charged on unpaid balances?", hit("Interest accrues at the rate of 1.5% per month on all invoices.", { documentId: "x", fileName: "X.txt" }))).toBe(false);
  });
});
