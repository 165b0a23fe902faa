import { describe, expect, it } from "vitest";
import { resolveCitations } from "@/lib/citations";
import type { UsedPassage } from "@/lib/prompt";
import { checkSentence, preparePassages } from "@/lib/utils/claimCheck";
import { isDecline, verifyAnswer } from "@/lib/verifyAnswer";
import { hit } from "./fixtures";

const meds = "DISCHARGE MEDICATIONS: Percocet 1 to 2 tablets p.o. q.4h. p.r.n. pain, OxyContin SR 10 mg p.o. q.12h.";
const contract = "Either party may terminate this Agreement upon thirty (30) days' prior written notice. This Agreement shall be governed by the laws of the State of Delaware.";
const passages = preparePassages([
  { n: 1, text: meds, label: "Lumbar Laminectomy.txt" },
  { n: 2, text: contract, label: "Supply Agreement.txt" },
]);
const check = (s: string, cited: number[], question = "") => checkSentence(s, cited, passages, question);

describe("checkSentence", () => {
  it("a name said of what the question asks must stand near it too: a party's state of incorporation is not the governing law", () => {
    const preamble = preparePassages([
      {
        n: 1,
        text:
          "THIS AGREEMENT is made as of March 14, 2012 by and between Bizzingo, Inc., a Nevada corporation with offices in New York, and Joseph Theismann. " +
          "Theismann shall make himself available for two personal appearances each year at locations and times mutually agreed by the parties in advance, " +
          "and Bizzingo shall reimburse reasonable travel expenses. Nothing in this Agreement limits Theismann's other endorsements, and each party bears its own costs and applicable law compliance.",
      },
    ]);
    const question = "Which state's law governs the Bizzingo endorsement agreement?";
    expect(checkSentence("The law governing the Bizzingo endorsement agreement is Nevada [1].", [1], preamble, question).verdict).toBe("not_in_cited");
    const clause = preparePassages([{ n: 1, text: "This endorsement agreement between Bizzingo and Theismann shall be governed by the laws of the State of Nevada." }]);
    expect(checkSentence("The law governing the Bizzingo endorsement agreement is Nevada [1].", [1], clause, question).verdict).toBe("verified");
  });

  it("a figure said of what the question asks must stand near it in the passage, not in another clause of it", () => {
    const msa = preparePassages([
      {
        n: 1,
        text:
          "Either Party may terminate this Agreement for any reason following the Initial Term upon ninety (90) days written notice to the other Party. " +
          "The Services described in each Statement of Work shall be performed by qualified personnel with the skill and care customary in the industry, " +
          "and all deliverables are subject to acceptance testing by the Customer under the procedures agreed in writing between the Parties. " +
          "Customer shall pay each undisputed invoice within thirty (30) days of receipt.",
      },
    ]);
    const question = "How much notice is needed to terminate the agreement?";
    const wrong = checkSentence("The notice needed to terminate the agreement is 30 days [1].", [1], msa, question);
    expect(wrong.verdict).toBe("not_in_cited");
    expect(wrong.missingClaims).toEqual(["30 days"]);
    // In the passage, though: not an invention, and without the question there is no focus to stand by.
    expect(wrong.invented).toEqual([]);
    expect(checkSentence("The notice needed to terminate the agreement is 30 days [1].", [1], msa).verdict).toBe("verified");
    expect(checkSentence("The notice needed to terminate the agreement is ninety (90) days [1].", [1], msa, question).verdict).toBe("verified");
  });

  it("verifies figures through number words and units: 'thirty (30) days' states 30 days", () => {
    const c = check("Either party may terminate the agreement with 30 days notice [2].", [2]);
    expect(c.verdict).toBe("verified");
    expect(c.claims).toContain("30 days");
  });

  it("a number the cited passage does not state is not verified, and is invented when no passage has it", () => {
    const c = check("Either party may terminate the agreement with ten days notice [2].", [2]);
    expect(c.verdict).toBe("not_in_cited");
    expect(c.missingClaims).toEqual(["ten days"]);
    expect(c.invented).toEqual(["ten days"]);
  });

  it("a value from another given passage is misattributed: not verified, but not invented", () => {
    const c = check("The agreement can be ended with 10 mg of notice [2].", [2]);
    expect(c.verdict).toBe("not_in_cited");
    expect(c.missingClaims).toContain("10 mg");
    expect(c.invented).toEqual([]);
  });

  it("names must be in the cited passage: Texas is not Delaware", () => {
    expect(check("The agreement is governed by Delaware law [2].", [2]).verdict).toBe("verified");
    const texas = check("The agreement is governed by Texas law [2].", [2]);
    expect(texas.verdict).toBe("not_in_cited");
    expect(texas.invented).toEqual(["Texas"]);
  });

  it("the question's own drug name, put into a cited sentence, is still a claim the passage must hold", () => {
    const c = check("The daily dose of lisinopril is 10 mg [1].", [1], "What daily dose of lisinopril is the patient on?");
    expect(c.verdict).toBe("not_in_cited");
    expect(c.missingClaims).toContain("lisinopril");
  });

  it("dose abbreviations match only through the explicit list", () => {
    expect(check("OxyContin SR 10 mg is taken every 12 hours by mouth [1].", [1]).verdict).toBe("verified");
    expect(check("OxyContin SR 10 mg is taken every 8 hours [1].", [1]).verdict).toBe("not_in_cited");
  });

  it("an empty sentence with a chip is incomplete, never verified", () => {
    const c = check("The Wi-Fi password for the plant is [1].", [1]);
    expect(c.incomplete).toBe(true);
    expect(c.verdict).toBe("not_in_cited");
  });

  it("restating a wh-question answers nothing; restating a yes/no question is an answer", () => {
    expect(check("The size of the notice period [2].", [2], "What is the size of the notice period?").incomplete).toBe(true);
    expect(check("The agreement is governed by Delaware law [2].", [2], "Is the agreement governed by Delaware law?").verdict).toBe("verified");
    expect(check("The agreement is governed by Delaware law [2].", [2], "Which law governs the agreement?").verdict).toBe("verified");
  });

  it("a bare answer's capitalised word is a claim; a question word the gate judged phrasing is not", () => {
    expect(check("Delaware [2].", [2]).claims).toEqual(["Delaware"]);
    expect(check("Texas [2].", [2]).verdict).toBe("not_in_cited");
    const q = "What is the longest notice period in the agreement?";
    expect(check("The longest notice is 30 days [2].", [2], "What notice period applies?").verdict).toBe("not_in_cited");
    // Restated from the question, a word that only shapes it is phrasing (see the 14c tests below); so is one the gate judged phrasing.
    expect(check("The longest notice is 30 days [2].", [2], q).verdict).toBe("verified");
    expect(check("The cumulative notice is 30 days [2].", [2], "What cumulative notice period applies?").verdict).toBe("not_in_cited");
    expect(checkSentence("The cumulative notice is 30 days [2].", [2], passages, "What cumulative notice period applies?", new Set(["cumul"])).verdict).toBe("verified");
  });

  it("a sentence without a citation is uncited whatever it says", () => {
    expect(check("The agreement is governed by Delaware law.", []).verdict).toBe("uncited");
  });

  it("verified sentences carry the passage offsets of the words that support them", () => {
    const c = check("The laws of the State of Delaware govern the agreement [2].", [2]);
    expect(c.verdict).toBe("verified");
    const words = c.support.map((s) => contract.slice(s.start, s.end));
    expect(words.join(" | ")).toContain("Delaware");
    expect(c.support.every((s) => s.n === 2 && s.end > s.start)).toBe(true);
  });
});

describe("verifyAnswer", () => {
  const used: UsedPassage[] = [
    { n: 1, hit: { ...hit(meds, { charStart: 100, charEnd: 100 + meds.length }), fileName: "Lumbar Laminectomy.txt" } },
    { n: 2, hit: { ...hit(contract, { charStart: 0, charEnd: contract.length }), fileName: "Supply Agreement.txt" } },
  ];

  it("withholds a sentence whose figure no given passage holds and keeps the verified one, offsets rebuilt", () => {
    const text = "The patient takes lisinopril 100 mg twice daily [1]. OxyContin SR 10 mg is given every 12 hours [1].";
    const v = verifyAnswer(resolveCitations(text, used), used, "What is the patient taking?");
    expect(v.withheld).toEqual([{ text: "The patient takes lisinopril 100 mg twice daily.", values: expect.arrayContaining(["100 mg"]), reason: "value_not_in_passages" }]);
    expect(v.resolved.answer).toBe("OxyContin SR 10 mg is given every 12 hours [1].");
    expect(v.sentences).toHaveLength(1);
    const s = v.sentences[0];
    expect(v.resolved.answer.slice(s.start, s.end)).toBe(s.text);
    expect(s.verdict).toBe("verified");
    // Page offsets: the passage starts at 100 on its page.
    for (const sp of s.support) expect(meds.slice(sp.charStart - 100, sp.charEnd - 100).length).toBeGreaterThan(0);
    expect(s.support.map((sp) => meds.slice(sp.charStart - 100, sp.charEnd - 100)).join(" | ")).toContain("OxyContin SR 10 mg");
  });

  it("moves a citation to the given passage that holds the sentence's values, as a marker by wording", () => {
    const text = "Either party may terminate with 30 days notice [1]. The agreement is governed by Delaware law.";
    const v = verifyAnswer(resolveCitations(text, used), used, "How can the agreement be ended?");
    expect(v.resolved.answer).toBe("Either party may terminate with 30 days notice [2]. The agreement is governed by Delaware law [2].");
    expect(v.recited).toEqual([
      { text: "Either party may terminate with 30 days notice.", from: [1], to: 2 },
      { text: "The agreement is governed by Delaware law.", from: [], to: 2 },
    ]);
    expect(v.sentences.map((s) => s.verdict)).toEqual(["verified", "verified"]);
    // Both markers are Cairn's, not the model's: the UI shows them dashed.
    expect(v.resolved.attributed.map((a) => v.resolved.answer.slice(a.start, a.end))).toEqual(["[2]", "[2]"]);
    expect(v.resolved.markers.map((m) => m.origin)).toEqual(["wording", "wording"]);
  });

  it("a marker trailing its sentence's full stop moves with its stop: no doubled punctuation", () => {
    const v = verifyAnswer(resolveCitations("Notice of 30 days is needed to terminate. [1].", used), used, "How much notice?");
    expect(v.resolved.answer).toBe("Notice of 30 days is needed to terminate [2].");
  });

  it("names the question gives count as stated when the cited passage's document has them", () => {
    const preamble = { n: 3, hit: { ...hit("This Reseller Agreement is made between PivX Solutions and Detto Technologies.", { documentId: "reseller" }), fileName: "Reseller.txt" } };
    const fees = { n: 4, hit: { ...hit("All payments shall be made within thirty (30) days after receipt of the invoice.", { documentId: "reseller" }), fileName: "Reseller.txt" } };
    const v = verifyAnswer(resolveCitations("Detto must pay PivX within 30 days [4].", [...used, preamble, fees]), [...used, preamble, fees], "When must Detto pay PivX?");
    expect(v.sentences[0]!.verdict).toBe("verified");
    // Not a name from the question: it must be in the cited passage itself.
    const w = verifyAnswer(resolveCitations("Detto must pay Acme within 30 days [4].", [...used, preamble, fees]), [...used, preamble, fees], "When must Detto pay?");
    expect(w.withheld.map((x) => x.values)).toEqual([["Acme"]]);
  });

  it("when the question names a document, a sentence backed only by another document's passage is never verified", () => {
    const otherReport = { n: 3, hit: { ...hit("Estimated blood loss was about 100 mL.", { documentId: "lumbar" }), fileName: "Lumbar Laminectomy.txt" } };
    const asked = { n: 4, hit: { ...hit("The patient tolerated the discectomy well and was extubated.", { documentId: "acdf" }), fileName: "ACDF.txt" } };
    const all = [otherReport, asked];
    const text = "The estimated blood loss was about 100 mL [3].";
    const free = verifyAnswer(resolveCitations(text, all), all, "What was the blood loss?");
    expect(free.sentences[0]!.verdict).toBe("verified");
    const named = verifyAnswer(resolveCitations(text, all), all, "What was the blood loss in the discectomy?", "acdf");
    expect(named.sentences[0]!.verdict).toBe("other_document");
    expect(named.sentences[0]!.support).toEqual([]);
    // Not re-cited to the other report either: only the named document's passages may back it.
    expect(named.recited).toEqual([]);
  });

  it("recognises the fixed decline phrase and its looser wordings", () => {
    expect(isDecline("The documents do not say.")).toBe(true);
    expect(isDecline("The passages don't mention a royalty [1].")).toBe(true);
    expect(isDecline("There is no information about insurance.")).toBe(true);
    expect(isDecline("The documents say the term is five years [1].")).toBe(false);
  });
});

describe("checkSentence: rare terms and polarity", () => {
  const alz = preparePassages([
    { n: 1, text: "MEDS: None. PMH: appendectomy, tonsillectomy, childhood pneumonia, allergy to sulfa drugs.", label: "Alzheimer Disease.txt" },
    { n: 2, text: "We will discontinue aspirin for now, but continue estradiol/Prometrium.", label: "Mantle Cell Lymphoma - Consult.txt" },
  ]);

  it("counts a lowercase rare term that no passage holds as invented, like a name or a figure", () => {
    const c = checkSentence("The patient has a history of diabetes [1].", [1], alz, "What history does the Alzheimer patient have?");
    expect(c.verdict).toBe("not_in_cited");
    expect(c.invented).toEqual(["diabetes"]);
  });

  it("does not count the question's own rare word as the model's invention", () => {
    const c = checkSentence("The documents list no diabetes [1].", [1], alz, "Does the Alzheimer patient have diabetes?");
    expect(c.invented).toEqual([]);
  });

  it("never verifies a sentence that says the opposite of its passage with the passage's own words", () => {
    const flipped = checkSentence("The plan is to continue aspirin [2].", [2], alz, "What happens to the aspirin?");
    expect(flipped.opposite).toBe("continue aspirin");
    expect(flipped.verdict).toBe("not_in_cited");
    expect(flipped.missingClaims).toContain("continue aspirin");
    const same = checkSentence("The plan is to discontinue aspirin [2].", [2], alz, "What happens to the aspirin?");
    expect(same.opposite).toBeNull();
    expect(same.verdict).toBe("verified");
  });

  it("withholds the flipped sentence from the answer with its pair, and a sentence stating a term no passage has", () => {
    const used: UsedPassage[] = [
      { n: 1, hit: hit("MEDS: None. PMH: appendectomy, tonsillectomy, childhood pneumonia, allergy to sulfa drugs.") },
      { n: 2, hit: hit("We will discontinue aspirin for now, but continue estradiol/Prometrium.") },
    ];
    const answer = "We will continue aspirin [2]. Estradiol/Prometrium is continued [2]. He also has diabetes [1].";
    const v = verifyAnswer(resolveCitations(answer, used), used, "What is the plan for the patient's medications?");
    expect(v.withheld).toEqual([
      { text: "We will continue aspirin.", values: ["continue aspirin"], reason: "opposite_of_passage" },
      { text: "He also has diabetes.", values: ["diabetes"], reason: "value_not_in_passages" },
    ]);
    expect(v.resolved.answer).toBe("Estradiol/Prometrium is continued [2].");
  });
});

describe("checkSentence: the value of a neighbouring clause", () => {
  const msa = preparePassages([
    {
      n: 1,
      label: "MASTER SERVICES AGREEMENT.txt",
      text:
        "Either Party may terminate this Agreement for any reason following the Initial Term upon ninety (90) days written notice to the other Party. Kubient shall be entitled to all fees generated during the termination period, " +
        "(b) Either Party may terminate this Agreement if the other Party commits a material breach of the Agreement and upon thirty (30) days written notice to the other Party, such other Party hasn't cured the breach within such thirty (30) days.",
    },
  ]);
  const question = "How much notice is needed to terminate the Kubient master services agreement for any reason after the Initial Term?";

  it("does not verify a figure beside the focus when another clause holds the focus, more of the question's conditions and another figure of that unit", () => {
    expect(checkSentence("The notice needed to terminate for any reason is 30 days [1].", [1], msa, question).verdict).toBe("not_in_cited");
    expect(checkSentence("The notice needed to terminate for any reason is 90 days [1].", [1], msa, question).verdict).toBe("verified");
  });

  it("keeps verifying the figure of the clause the question's conditions point to, and any figure when no rival clause exists", () => {
    const breach = "How much notice must be given to terminate the agreement for a material breach?";
    expect(checkSentence("The notice to terminate for a material breach is 30 days [1].", [1], msa, breach).verdict).toBe("verified");
    const alone = preparePassages([{ n: 1, text: "Either Party may terminate this Agreement upon thirty (30) days written notice to the other Party." }]);
    expect(checkSentence("The notice needed to terminate for any reason is 30 days [1].", [1], alone, question).verdict).toBe("verified");
  });
});

// "How often may the Licensor audit …": the clause type is the question's subject, not phrasing.
describe("checkSentence: a clause type the question asks about", () => {
  const license = preparePassages([
    {
      n: 1,
      text:
        "The Licensee shall comply with the Licensor's quality standards for the Licensed Mark. " +
        "The provisions of this Section shall survive for twenty-four (24) months following termination of this Agreement, and the Licensee shall cease all use of the Licensed Mark.",
    },
  ]);
  const audited = preparePassages([{ n: 1, text: "The Licensor may audit the Licensee's use of the Licensed Mark at least once every twenty-four (24) months upon reasonable notice." }]);
  const question = "How often may the Licensor audit the Licensee's use of the mark?";

  it("does not verify a sentence saying the clause when its cited passage does not say it", () => {
    const v = checkSentence("The Licensor may audit the Licensee's use of the mark once every twenty-four (24) months [1].", [1], license, question);
    expect(v.verdict).toBe("not_in_cited");
    expect(v.missingClaims).toContain("audit");
  });

  it("does not verify a figure that stands nowhere near the clause in its passage, even when the sentence leaves the clause unsaid", () => {
    expect(checkSentence("Once every twenty-four (24) months [1].", [1], license, question).verdict).toBe("not_in_cited");
  });

  it("verifies the figure of the clause itself", () => {
    expect(checkSentence("The Licensor may audit the Licensee's use of the mark once every twenty-four (24) months [1].", [1], audited, question).verdict).toBe("verified");
  });

  it("verifies a figure of a passage under the clause's heading, where the text says 'such examination' for it", () => {
    const headed = preparePassages([
      { n: 1, label: "Section 9. Audit of Records", text: "Such examination by the Licensor of the Licensee's records may take place no more than once in any twelve (12) month period." },
    ]);
    const q = "How often may the Licensor audit the Licensee's records?";
    expect(checkSentence("The Licensor may audit the Licensee's records once in any twelve (12) month period [1].", [1], headed, q).verdict).toBe("verified");
    // The same text under another heading does not say it is the audit clause.
    const other = preparePassages([{ n: 1, label: "Section 4. Reports", text: "Such examination by the Licensor of the Licensee's records may take place no more than once in any twelve (12) month period." }]);
    expect(checkSentence("The Licensor may audit the Licensee's records once in any twelve (12) month period [1].", [1], other, q).verdict).toBe("not_in_cited");
  });
});

describe("checkSentence: figures recombined, and sentences that state nothing specific", () => {
  const rt = preparePassages([
    {
      n: 1,
      text: "His symptoms stabilized and he underwent 5040 cGy in 28 fractions to his brain and 3600 cGy in 20 fractions to his cervical and thoracic spinal cord from 9/93 through 1/19/94.",
    },
  ]);
  const question = "What radiation dose did the patient's cervical and thoracic spinal cord receive?";

  it("does not verify two true figures stated as one pair the passage never states together", () => {
    const v = checkSentence("His spinal cord received 3600 cGy in 28 fractions [1].", [1], rt, question);
    expect(v.verdict).toBe("not_in_cited");
    expect(v.missingClaims).toEqual(["3600 cGy in 28 fractions"]);
    // Each figure is in the passage: misattributed, not invented.
    expect(v.invented).toEqual([]);
  });

  it("verifies the pair the passage states, in either order, and figures the sentence keeps apart", () => {
    expect(checkSentence("His spinal cord received 3600 cGy in 20 fractions [1].", [1], rt, question).verdict).toBe("verified");
    expect(checkSentence("His spinal cord received 20 fractions of 3600 cGy [1].", [1], rt, question).verdict).toBe("verified");
    expect(checkSentence("He received 28 fractions to his brain and 3600 cGy to his cervical and thoracic spinal cord [1].", [1], rt, question).verdict).toBe("verified");
  });

  const report = preparePassages([
    {
      n: 1,
      text:
        "CC: Memory difficulty. This 64 y/o man had difficulty remembering names for 12 months. " +
        "His wife noted he was forgetful of common household tasks. MRI brain showed mild generalized atrophy. " +
        "He was started on a trial of medication and his condition was followed in clinic.",
      label: "Alzheimer Disease.txt",
    },
  ]);

  it("does not verify a sentence with no specific claim whose words are only scattered over the passage", () => {
    expect(checkSentence("Memory loss is a common condition that is followed in older men [1].", [1], report).verdict).toBe("not_in_cited");
  });

  it("verifies such a sentence when its words stand together in one sentence of the passage", () => {
    expect(checkSentence("His wife noted he was forgetful of common household tasks [1].", [1], report).verdict).toBe("verified");
  });
});

describe("checkSentence: a section's number is no value", () => {
  const warranty = preparePassages([
    {
      n: 1,
      text:
        "5.01.  Products Warranty. Company warrants to Distributor all Products to be free from defects in material or workmanship for a period of ninety (90) days from the date of delivery, " +
        "subject to the limits of Section 1.03.",
    },
  ]);
  const question = "What product warranty does the distributor agreement give?";

  it("does not verify a heading's or a reference's number offered as the value", () => {
    const v = checkSentence("The product warranty under the distributor agreement is 5.01 [1].", [1], warranty, question);
    expect(v.verdict).toBe("not_in_cited");
    // It is in the passage, as a number of a section: misread, not invented.
    expect(v.invented).toEqual([]);
    expect(checkSentence("The product warranty is limited by 1.03 [1].", [1], warranty, question).verdict).toBe("not_in_cited");
  });

  it("verifies the number said as a reference, and the clause's own value", () => {
    expect(checkSentence("The product warranty is set out in Section 5.01 [1].", [1], warranty, question).verdict).toBe("verified");
    expect(checkSentence("Products are warranted free from defects for ninety (90) days from delivery [1].", [1], warranty, question).verdict).toBe("verified");
  });
});

describe("checkSentence: the question's own wording restated (14c)", () => {
  const exhibit = preparePassages([{ n: 1, documentId: "bb", text: "EXHIBIT A: Distributor price list. Price per Unit 1,000 to 5,000 Units - $4.50 per unit. *Minimum order of 1,000 Units" }]);

  it("a word that only shapes the question ('smallest') is no claim of the answer's", () => {
    const q = "What is the smallest order the Distributor may place?";
    expect(checkSentence("The smallest order the Distributor may place is 1,000 Units [1].", [1], exhibit, q).verdict).toBe("verified");
    // Its figure is still checked: 500 Units is in no passage.
    expect(checkSentence("The smallest order the Distributor may place is 500 Units [1].", [1], exhibit, q).verdict).toBe("not_in_cited");
    // Without the question using it, the superlative is the model's own claim.
    expect(checkSentence("The smallest order is 1,000 Units [1].", [1], exhibit, "What order may the Distributor place?").verdict).toBe("not_in_cited");
  });

  it("a question's name written out in full ('Inde Living Holdings, Inc.') counts as the question's when the document has it", () => {
    const reseller = preparePassages([
      { n: 1, documentId: "hit", text: "This Reseller Agreement is made between Vayyar Imaging Ltd. and Inde Living Holdings, Inc. (\"Reseller\")." },
      { n: 2, documentId: "hit", text: "the last Product in Reseller's inventory is sold, or (ii) 1 year from the date of the termination of this Agreement." },
      { n: 3, documentId: "other", text: "Acme Holdings may sell its inventory for 1 year after the termination of this Agreement." },
    ]);
    const q = "For how long after termination may Inde Living keep selling units left in its inventory?";
    const s = "Inde Living Holdings, Inc. may keep selling the units left in its inventory for 1 year from the date of termination [2].";
    expect(checkSentence(s, [2], reseller, q).verdict).toBe("verified");
    // A name the question never gives is still a claim its cited passage must hold.
    expect(checkSentence("Vayyar Imaging may keep selling the units left in its inventory for 1 year from the date of termination [2].", [2], reseller, q).verdict).toBe("not_in_cited");
    // And the full name must be the document's: another document's "Holdings" does not vouch for it.
    const alone = preparePassages([reseller[1]!, reseller[2]!].map((p) => ({ n: p.n, documentId: p.documentId, text: p.raw })));
    expect(checkSentence(s, [2], alone, q).verdict).toBe("not_in_cited");
  });
});

describe("checkSentence: what a figure measures, restatements and source talk (14c)", () => {
  const cath = preparePassages([
    { n: 1, documentId: "cath", text: "There is a greater than 70% stenosis in the proximal portion of the first large obtuse marginal branch." },
    { n: 2, documentId: "cath", text: "There is a 90% stenosis in the proximal portion of the left anterior descending artery." },
  ]);
  const q = "What stenosis does the first obtuse marginal branch have?";

  it("does not verify a figure against a passage that never names what the question says it measures, when another passage measures that", () => {
    expect(checkSentence("The first obtuse marginal branch has a 90% stenosis [2].", [2], cath, q).verdict).toBe("not_in_cited");
    expect(checkSentence("The first obtuse marginal branch has a greater than 70% stenosis [1].", [1], cath, q).verdict).toBe("verified");
  });

  it("lets words that only identify the document stay elsewhere in it: no other passage measures them", () => {
    const mri = preparePassages([
      { n: 1, documentId: "mri", text: "HX: This 57 y/o male had a history of hemangioblastoma of the cerebellum." },
      { n: 2, documentId: "mri", text: "SHX: retired truck driver. Smokes 1-3 packs of cigarettes per day." },
    ]);
    expect(checkSentence("The hemangioblastoma patient smokes 1-3 packs of cigarettes per day [2].", [2], mri, "How many packs of cigarettes a day does the hemangioblastoma patient smoke?").verdict).toBe("verified");
  });

  it("restating the question with its shaping words ('was used to') answers nothing", () => {
    const needle = preparePassages([{ n: 1, text: "A thin-walled Argon needle was used to cannulate the right femoral artery." }]);
    const which = "Which needle cannulated the right femoral artery?";
    expect(checkSentence("The needle was used to cannulate the right femoral artery [1].", [1], needle, which).incomplete).toBe(true);
    expect(checkSentence("An Argon needle was used to cannulate the right femoral artery [1].", [1], needle, which).verdict).toBe("verified");
  });

  it("the model speaking of 'the passage' invents nothing", () => {
    const meds = preparePassages([{ n: 1, text: "MEDICATIONS AT THE TIME OF STUDY: Versed 2.5 mg. Fentanyl 150 mcg." }]);
    const c = checkSentence('The passage states: "Fentanyl 150 mcg" [1].', [1], meds, "How much fentanyl was given?");
    expect(c.invented).toEqual([]);
    expect(c.verdict).toBe("verified");
  });
});

describe("checkSentence: plain-word answers and the clause they come from (14c)", () => {
  const notices = preparePassages([
    {
      n: 1,
      documentId: "hit",
      text:
        "All communications delivered in person shall be deemed to have been received upon delivery, communications sent by facsimile shall be deemed to have been received on the business day following transmission with confirmed answer back, " +
        "and all notices sent by registered mail shall be deemed to have been received within 3 business days after posting.",
    },
  ]);
  const q = "When is a notice sent by registered mail deemed received under the Walabot-HOME reseller agreement?";

  it("does not verify plain words of one clause said under the question's conditions from another (the fax rule for registered mail)", () => {
    const c = checkSentence("A notice sent by registered mail is deemed received on the business day following transmission with confirmed answer back [1].", [1], notices, q);
    expect(c.verdict).toBe("not_in_cited");
    // The clause that has the conditions verifies.
    expect(checkSentence("A notice sent by registered mail is deemed received within 3 business days after posting [1].", [1], notices, q).verdict).toBe("verified");
  });

  it("needs no auxiliary or everyday verb of the question in that clause ('may carry out' — 'conduct')", () => {
    const licence = preparePassages([{ n: 1, documentId: "nmf", text: "The Licensee agrees to allow the Licensor to conduct reasonable inspection of the quality of the Licensee's services from time to time." }]);
    const inspect = "What inspection may the Licensor carry out under the NMF trademark license?";
    expect(checkSentence("The Licensor may carry out reasonable inspection of the quality of the Licensee's services [1].", [1], licence, inspect).verdict).toBe("verified");
  });
});

describe("verifyAnswer: a clause named earlier in the paragraph a passage continues (14c)", () => {
  const para =
    "12. Confidentiality. FNW and Sponsor each agree that the terms of this Agreement will be kept confidential, and each party agrees to be bound by the confidentiality terms of this Paragraph. " +
    "Each party shall be responsible for any breach of this Paragraph by its respective officers, employees, agents and representatives. " +
    "The terms of this Paragraph shall survive the expiration or termination of this Agreement for whatever reason for a period of three (3) years after such expiration or termination.\n\n13. Washington Law.";
  const cut = para.indexOf("Each party shall");
  const first = hit(para.slice(0, para.indexOf("The terms of this Paragraph shall")), { documentId: "merc", charStart: 0 });
  const second = hit(para.slice(cut), { documentId: "merc", charStart: cut });
  const q = "For how long after the Mercata sponsorship agreement ends does its confidentiality paragraph survive?";
  const answer = "The confidentiality paragraph survives for three years after the agreement ends [2].";

  it("verifies the clause's figure from the passage that continues the paragraph naming the clause", () => {
    const used: UsedPassage[] = [{ n: 1, hit: first }, { n: 2, hit: second }];
    expect(verifyAnswer(resolveCitations(answer, used), used, q).sentences[0]?.verdict).toBe("verified");
  });

  it("does not without the passage before it: the cited passage alone never names the clause", () => {
    const alone: UsedPassage[] = [{ n: 1, hit: second }];
    expect(verifyAnswer(resolveCitations(answer.replace("[2]", "[1]"), alone), alone, q).sentences[0]?.verdict).toBe("not_in_cited");
  });
});
