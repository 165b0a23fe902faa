import { describe, expect, it } from "vitest";
import { focusTerm, initialismExpansions, judgeAnswerability, questionTerms, type LibraryTermStats, type TermOccurrence } from "@/lib/utils/answerability";
import { indexWords, phraseOf } from "@/lib/utils/textWords";
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

describe("judgeAnswerability: what the question asks about", () => {
  const vitals = hit("EXAM:,  BP131/74, HR78, RR12, Wt. 77kg, Ht. 178cm. RPR non-reactive.", { documentId: "alz", fileName: "Alzheimer Disease.txt" });
  const cath = hit("There is a 90% stenosis in the proximal portion of the LAD. The patient was transferred to the intensive care unit in good condition.", {
    documentId: "cath",
    fileName: "Heart Cath.txt",
  });
  const pacer = hit("Right ventricular lead impedance 900 ohms. R-waves measured 6.0 millivolts. Pacing threshold 1.0 volt at 0.5 milliseconds.", {
    documentId: "pm",
    fileName: "Pacemaker (Dual Chamber) - 1.txt",
  });
  const graft = hit("OPERATION: Aortobifemoral bypass surgery utilizing a bifurcated Hemashield graft. 0.25% Marcaine dorsal block was given.", {
    documentId: "abf",
    fileName: "Aortobifemoral Bypass - 1.txt",
  });
  const judge = (q: string, p = vitals) => judgeAnswerability(q, [p], null);

  it("reads the word after 'how' as the kind of answer ('how tall', 'how tight'), never the subject", () => {
    expect(judge("How tall is the patient?").answerable).toBe(true);
    expect(focusTerm("How tight is the stenosis in the proximal LAD?", questionTerms("How tight is the stenosis in the proximal LAD?"))?.surface).toBe("stenosis");
    expect(judge("How tight is the stenosis in the proximal LAD?", cath).answerable).toBe(true);
  });

  it("takes no focus from the agent of 'when/where did X go', but does after a copula", () => {
    expect(judge("Where did the patient go after the operation?", cath).answerable).toBe(true);
    expect(focusTerm("When is the follow-up visit?", questionTerms("When is the follow-up visit?"))?.surface).toBe("visit");
    expect(judge("When is the follow-up visit?", cath).answerable).toBe(false);
  });

  it("asks about what a measure is of ('R-wave amplitude', 'strength of Marcaine'), and about a lone measure itself", () => {
    expect(judge("What R-wave amplitude was measured on the right ventricular lead?", pacer).answerable).toBe(true);
    expect(judge("What strength of Marcaine was used for the dorsal block?", graft).answerable).toBe(true);
    // The report gives weight and height but no head circumference: still refused.
    expect(judge("What was the patient's circumference?").answerable).toBe(false);
  });

  it("refuses a figure asked of something the document names but gives no figure for", () => {
    const r = judge("What was the diameter of the bifurcated Hemashield graft?", graft);
    expect(r.answerable).toBe(false);
    expect(r.figureMissing).toEqual({ measure: "diameter", of: "bifurcated Hemashield graft" });
    expect(judge("How many millivolts did the R-waves measure?", pacer).figureMissing).toBeNull();
    // "How much does X weigh" asks a figure of the verb, which the gate does not judge.
    expect(judge("How much does the patient weigh?").answerable).toBe(true);
  });

  it("takes an abbreviation the user puts in parentheses as the document's name for the words before it", () => {
    expect(judge("Was the syphilis serology (RPR) reactive?").answerable).toBe(true);
    expect(questionTerms("Was the syphilis serology (RPR) reactive?").find((t) => t.surface === "syphilis")!.searchText).toContain("RPR");
    expect(judge("Was the syphilis serology reactive?").answerable).toBe(false);
  });

  it("finds an initialism where the document spells it out, in its name or its text", () => {
    expect(initialismExpansions("ACDF", "Anterior Cervical Discectomy & Fusion - 5")).toEqual([["anterior", "cervic", "discectomi", "fusion"]]);
    const acdf = hit("The patient tolerated the procedure well.", { documentId: "acdf", fileName: "Anterior Cervical Discectomy & Fusion - 5.txt" });
    expect(judgeAnswerability("How did the patient tolerate the ACDF?", [acdf], null).answerable).toBe(true);
    expect(judgeAnswerability("How did the patient tolerate the TKA?", [acdf], null).answerable).toBe(false);
  });

  it("reads a vital sign glued to its reading ('BP131/74') as the abbreviation and the figure", () => {
    expect(indexWords("BP131/74, HR78").words.map((w) => w.w)).toEqual(["bp", "131", "74", "hr", "78"]);
    expect(indexWords("GP-PB5-PC628").words.map((w) => w.w)).toContain("pb5");
    expect(judge("What was the blood pressure on examination?").answerable).toBe(true);
  });

  it("refuses the other side: the left ventricular lead where the report has only the right one", () => {
    const r = judge("What was the pacing threshold of the left ventricular lead?", pacer);
    expect(r.answerable).toBe(false);
    expect(r.absentFromDocument).toContain("left ventricular lead");
    expect(judge("What was the impedance of the right ventricular lead?", pacer).answerable).toBe(true);
    const both = hit("Left ventricular lead threshold 1.2 volts. Right ventricular lead threshold 1.0 volt.", { documentId: "crt", fileName: "CRT.txt" });
    expect(judge("What was the pacing threshold of the left ventricular lead?", both).answerable).toBe(true);
  });
});

describe("judgeAnswerability: names", () => {
  it("takes a capitalised word inside the question as a name, however everyday ('on Windows')", () => {
    const paper = hit("TraceMonkey achieves speedups of 2x to 20x over SpiderMonkey on the SunSpider benchmarks on Linux.", { documentId: "tm", fileName: "TraceMonkey.pdf" });
    const r = judgeAnswerability("What speedups did the TraceMonkey paper measure on Windows?", [paper], null);
    expect(r.answerable).toBe(false);
    expect([...r.absentEverywhere, ...r.absentFromDocument]).toContain("Windows");
    expect(judgeAnswerability("What speedups did the TraceMonkey paper measure on Linux?", [paper], null).answerable).toBe(true);
    // The question's first word is capitalised as a sentence's is.
    expect(judgeAnswerability("Speedups measured by TraceMonkey?", [paper], null).answerable).toBe(true);
  });
});
