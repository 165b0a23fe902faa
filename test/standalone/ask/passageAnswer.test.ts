import { describe, expect, it } from "vitest";
import { focusTerm, judgeAnswerability, questionTerms } from "@/lib/utils/answerability";
import { answeringSentence, expectedAnswer, passageSentences } from "@/lib/utils/passageAnswer";
import { hit } from "./fixtures";

// The document's own sentence as the answer when the model's cannot be verified: which sentence
// answers, and when none does. Rates on real documents: `npm run bench -- answerability`.

const msa = hit(
  "This Agreement shall continue for an initial term of one (1) year. Either Party may give notice of its address for notices at any time. " +
    "Either Party may terminate this Agreement for any reason following the Initial Term upon ninety (90) days written notice to the other Party.",
  { documentId: "msa", fileName: "KUBIENT MASTER SERVICES AGREEMENT.txt" },
);
const report = hit(
  "ANESTHESIA: 1% lidocaine and IV sedation, including fentanyl 25 mcg. The patient tolerated the procedure well. The left ureteral stent was removed.",
  { documentId: "cath", fileName: "Heart Cath.txt" },
);
const paper = hit("The Firefox browser is used by many people. TraceMonkey is the fastest VM on 9 of the 26 benchmarks.", { documentId: "tm", fileName: "tracemonkey.pdf" });

function answer(question: string, passages = [msa, report, paper]) {
  const verdict = judgeAnswerability(question, passages, null);
  const found = answeringSentence(question, verdict, passages);
  return found && { text: found.text, documentId: passages[found.passage].documentId, exact: passages[found.passage].text.slice(found.start, found.end) };
}

describe("answeringSentence", () => {
  it("quotes the sentence that holds the question's terms and the kind of value it asks for, at exact offsets", () => {
    const a = answer("How much notice is needed to terminate the Kubient master services agreement for any reason after the Initial Term?");
    expect(a?.text).toBe("Either Party may terminate this Agreement for any reason following the Initial Term upon ninety (90) days written notice to the other Party.");
    // The offsets point at those very words in the passage.
    expect(a?.exact).toBe(a?.text);
    expect(answer("How much fentanyl was given for the left heart catheterization?")?.text).toBe(
      "ANESTHESIA: 1% lidocaine and IV sedation, including fentanyl 25 mcg.",
    );
    expect(answer("On how many benchmarks is TraceMonkey the fastest VM?")?.text).toContain("9 of the 26 benchmarks");
  });

  it("quotes nothing when no sentence holds what is asked about, or no value of the kind asked for", () => {
    // "notice" is there, but no duration goes with it in the address sentence; the term sentence has no "notice".
    expect(answer("How much notice must be given to change an address for notices?")).toBeNull();
    expect(answer("How much propofol was given for the left heart catheterization?")).toBeNull();
    // "how many users": a count of users, and no sentence counts them.
    expect(answer("How many users does Firefox have according to the TraceMonkey paper?")).toBeNull();
  });

  it("expects a duration, a figure or a name from the question's shape", () => {
    expect(expectedAnswer("How long is the initial term?")).toBe("duration");
    expect(expectedAnswer("Within how many days must the Customer notify the Manufacturer?")).toBe("duration");
    expect(expectedAnswer("What late fee applies to past-due invoices?")).toBe("figure");
    expect(expectedAnswer("Which state's law governs the agreement?")).toBe("name");
    expect(expectedAnswer("What catheter was left in?")).toBe("any");
    expect(expectedAnswer("From where are prices quoted FOB?")).toBe("place");
  });
});

describe("focusTerm", () => {
  const focus = (q: string) => focusTerm(q, questionTerms(q))?.surface ?? null;
  it("is the head of the noun phrase the question asks about", () => {
    expect(focus("What product liability insurance must WPD carry under the CNS development agreement?")).toBe("insurance");
    expect(focus("What size EEA stapler was used for the anastomosis?")).toBe("stapler");
    expect(focus("How much fentanyl was given for the left heart catheterization?")).toBe("fentanyl");
    expect(focus("What suture closed the skin after the discectomy?")).toBe("suture");
    expect(focus("Which state's law governs the PivX reseller agreement?")).toBe("law");
    expect(focus("What was the weight of the hypospadias repair patient?")).toBe("weight");
    // A kind of answer or a name is not what is asked about.
    expect(focus("Which side was the ureteral stent placed on?")).toBe("stent");
    expect(focus("Who is Detto?")).toBeNull();
  });

  it("makes the gate refuse an everyday word asked about that the document never uses", () => {
    const v = judgeAnswerability("What insurance must Kubient carry under the master services agreement?", [msa], null);
    expect(v.answerable).toBe(false);
    expect([...v.absentEverywhere, ...v.absentFromDocument]).toEqual(["insurance"]);
    // A kind of thing is found by its instances: "Coumadin" is an anticoagulant.
    const coumadin = hit("The patient is normally on Coumadin.", { documentId: "lumbar", fileName: "Lumbar Laminectomy.txt" });
    expect(judgeAnswerability("Which anticoagulant is the lumbar laminectomy patient normally on?", [coumadin], null).answerable).toBe(true);
  });
});

describe("answeringSentence: sentences, focus and the document's names", () => {
  it("reads a PDF's wrapped lines as one sentence, offsets unchanged", () => {
    const text = "Heading\nFORCESSTACK is a trusted annotation, applied\nto only 5 functions in the interpreter.\nNext part";
    const spans = passageSentences(text);
    const joined = spans.find((s) => s.text.startsWith("FORCESSTACK"))!;
    expect(joined.text).toBe("FORCESSTACK is a trusted annotation, applied\nto only 5 functions in the interpreter.");
    expect(text.slice(joined.start, joined.end)).toBe(joined.text);
    // A line that ends a sentence, or a next line starting a new capitalised one, still ends it.
    expect(spans.map((s) => s.text)).toContain("Heading");
    expect(spans.map((s) => s.text)).toContain("Next part");
  });

  it("asks about what the gate asks about: the noun after the wh-word, not the verb", () => {
    const orif = hit(
      "The medial epicondyle was then transfixed using a guidewire. Subsequently a 44-mm 4.5 partially threaded cannulated screw was placed with a washer to hold the medial epicondyle in place.",
      { documentId: "orif", fileName: "ORIF & Closed Reduction.txt" },
    );
    expect(answer("What screw fixed the medial epicondyle in the ORIF?", [orif])?.text).toContain("44-mm 4.5 partially threaded cannulated screw");
  });

  it("does not take the verb 'may' for the month May", () => {
    const dist = hit("Distributor may, at any time prior to the scheduled date of shipment, cancel any Products on order.", { documentId: "bb", fileName: "DISTRIBUTOR AGREEMENT.txt" });
    expect(answer("On what date does the term of the distributor agreement end?", [dist])).toBeNull();
  });

  it("leaves out the names in the document's title and parties, as those in its file name", () => {
    const context = "Coral Gold Resources Consulting Agreement\nParties: CORAL GOLD RESOURCES LTD.; INTERMARK CAPITAL CORP.\nSection: 4. TERM";
    const term = hit("4.2 The term of this Agreement is for a period of five (5) years (the \"Term\") commencing on the Effective Date.", {
      documentId: "coral",
      fileName: "CORALGOLDRESOURCES,LTD_05_28_2020-EX-4.1-CONSULTING AGREEMENT.txt",
      context,
    });
    const q = "How long is the term of the Coral Gold consulting agreement with Intermark Capital?";
    expect(answer(q, [term])?.text).toContain("five (5) years");
    // Without the header or a file name holding them, "Coral Gold" and "Intermark Capital" are words the sentence lacks.
    expect(answer(q, [{ ...term, context: "", fileName: "Consulting Agreement.txt" }])).toBeNull();
  });

  it("finds the names a filed document's name glues into one word ('CORALGOLDRESOURCES,LTD_…')", () => {
    const term = hit("4.2 The term of this Agreement is for a period of five (5) years commencing on the Effective Date.", {
      documentId: "coral2",
      fileName: "CORALGOLDRESOURCES,LTD_05_28_2020-EX-4.1-CONSULTING AGREEMENT.txt",
    });
    expect(answer("How long is the term of the Coral Gold consulting agreement?", [term])?.text).toContain("five (5) years");
    // A short or lowercase word inside the glued name is not taken for a name.
    expect(answer("How long is the term of the gold consulting agreement with Intermark Capital?", [term])).toBeNull();
  });

  it("reads a sentence together with the next one that continues it ('The largest of which measures …')", () => {
    const mri = hit(
      "Multiple intradural nodular lesions were seen in the cervical spine and cisterna magna. The largest of which measures 1.1 x 1.0 x 2.0cm. The cord was normal.",
      { documentId: "mri2", fileName: "MRI.txt" },
    );
    const a = answer("How large was the largest nodular lesion in the cervical spine?", [mri]);
    expect(a?.text).toBe("Multiple intradural nodular lesions were seen in the cervical spine and cisterna magna. The largest of which measures 1.1 x 1.0 x 2.0cm.");
    expect(a?.exact).toBe(a?.text);
    // The continuation gives the value, not more of the question's words: "This paper makes …" answers nothing.
    const paper2 = hit("TraceMonkey gives a 2x-20x speedup for traceable programs. This paper makes the following contributions:", { documentId: "tm2", fileName: "tracemonkey.pdf" });
    expect(answer("What speedups did the paper measure on Windows?", [paper2])).toBeNull();
  });
});

describe("answeringSentence: the verb of a passive question", () => {
  it("weighs the participle of 'was … left in' lightly: the report names the catheter without the verb", () => {
    const hypo = hit("TUBES AND DRAINS: An 8-French Zaontz catheter. ESTIMATED BLOOD LOSS: 10 mL.", { documentId: "hypo", fileName: "Hypospadias Repair.txt" });
    expect(answer("What catheter was left in after the hypospadias repair?", [hypo])?.text).toBe("TUBES AND DRAINS: An 8-French Zaontz catheter.");
    // An active verb is part of what is asked: "What catheter leaks" is not answered by naming one.
    expect(answer("What catheter leaks after the hypospadias repair?", [hypo])).toBeNull();
  });
});

describe("answeringSentence: a long sentence clipped", () => {
  it("starts the clipped quote at a word, never inside one", () => {
    const abf = hit(
      "OPERATION: , Aortobifemoral bypass surgery utilizing a bifurcated Hemashield graft.,ANESTHESIA:, General endotracheal,ESTIMATED BLOOD LOSS: , 300 cc,INTRAVENOUS FLUIDS: , 1200 cc of crystalloid,URINE OUTPUT: , 250 cc,OPERATION IN DETAIL: , After obtaining informed consent from the patient, including a thorough explanation of the risks and benefits of the aforementioned procedure, the patient was taken to the operating room and general endotracheal anesthesia was administered.",
      { documentId: "abf", fileName: "Aortobifemoral Bypass - 1.txt" },
    );
    const a = answer("How much crystalloid was given during the aortobifemoral bypass?", [abf]);
    expect(a?.text).toContain("1200 cc of crystalloid");
    expect(a?.exact).toBe(a?.text);
    const at = abf.text.indexOf(a!.text);
    expect(at === 0 || /[\s,.:;]/.test(abf.text[at - 1]!)).toBe(true);
  });
});

describe("answeringSentence: a clause type asked about", () => {
  const dev = hit(
    "WPD shall at all times keep books, records and accounts which accurately reflect its transactions, and shall retain such records for CNS for three (3) years. " +
      "WPD shall furnish CNS a report within thirty (30) days after the end of each Calendar Quarter.",
    { documentId: "cns", fileName: "Development Agreement.txt" },
  );

  it("quotes no sentence that lacks the clause type the question names: a records-keeping sentence is no audit right", () => {
    const q = "How often may CNS audit WPD's records under the development agreement?";
    const verdict = judgeAnswerability(q, [dev], null);
    expect(answeringSentence(q, { ...verdict, answerable: true }, [dev])).toBeNull();
    // The same question without the clause type is answered by that sentence.
    const kept = "How long must WPD retain its records under the development agreement?";
    expect(answeringSentence(kept, judgeAnswerability(kept, [dev], null), [dev])?.text).toContain("three (3) years");
  });

  it("takes the clause type from the sentence before, which the answering one continues ('If such period exceeds …')", () => {
    const supply = hit(
      'Neither Party is liable for delay caused by circumstances beyond its reasonable control ("Storm Event"). ' +
        "If either Party is prevented from carrying out its obligations due to an event of force majeure, this Agreement shall be suspended. " +
        "If such period exceeds 2 months, either Party may terminate this Agreement on giving written notice.",
      { documentId: "supply", fileName: "Supply Agreement.txt" },
    );
    const q = "How long must a Force Majeure last before either party may terminate the supply agreement?";
    expect(answeringSentence(q, judgeAnswerability(q, [supply], null), [supply])?.text).toContain("2 months");
    // Two sentences away it no longer counts: the first sentence's clause is not the third's.
    const apart = hit(
      "A Force Majeure suspends this Agreement. The Parties shall meet monthly. If such period exceeds 2 months, either Party may terminate this Agreement.",
      { documentId: "supply", fileName: "Supply Agreement.txt" },
    );
    expect(answeringSentence(q, { ...judgeAnswerability(q, [apart], null), answerable: true }, [apart])).toBeNull();
  });

  it("makes the gate refuse a clause type the document never names, everyday word though it is", () => {
    const v = judgeAnswerability("How often may CNS audit WPD's records under the development agreement?", [dev], null);
    expect(v.answerable).toBe(false);
    expect(v.absentEverywhere).toEqual(["audit"]);
  });
});

describe("answeringSentence: whose the asked-about thing is", () => {
  it("weighs the possessor lightly ('the Catholic priest's weight'): the exam line need not repeat who", () => {
    const exam = hit("SHX:, Catholic priest. Denied tobacco use.,EXAM:,  BP131/74, HR78, Wt. 77kg, Ht. 178cm.", { documentId: "alz", fileName: "Alzheimer Disease.txt" });
    expect(answer("What was the Catholic priest's weight on examination?", [exam])?.text).toContain("Wt. 77kg");
  });
});

describe("answeringSentence: what the question's words stand for (14c)", () => {
  it("takes no provision's number for the figure asked for ('5.2 On any termination …', 'Section 5.1 (a)')", () => {
    const consulting = hit(
      "5.2 On any termination of this Agreement under Section 5.1 (a), (b), or (c) all outstanding stock options granted to the Consultant shall be exercisable in accordance with the option agreements.",
      { documentId: "coral", fileName: "Consulting Agreement.txt" },
    );
    const q = "How many stock options were granted to the Consultant under the consulting agreement?";
    expect(answeringSentence(q, { ...judgeAnswerability(q, [consulting], null), answerable: true }, [consulting])).toBeNull();
    // The count, when the sentence gives one, is the answer.
    const granted = hit("The Company granted the Consultant 250,000 stock options on the Effective Date.", { documentId: "coral", fileName: "Consulting Agreement.txt" });
    expect(answeringSentence(q, judgeAnswerability(q, [granted], null), [granted])?.text).toContain("250,000");
  });

  it("counts what 'how many' qualifies: the number must stand by the counted noun even with a modifier between ('how many stock options')", () => {
    const far = hit(
      "The Company granted options to the Consultant under its stock plan, which vest over 36 months.",
      { documentId: "coral", fileName: "Consulting Agreement.txt" },
    );
    const q = "How many stock options were granted to the Consultant under the consulting agreement?";
    expect(answeringSentence(q, { ...judgeAnswerability(q, [far], null), answerable: true }, [far])).toBeNull();
  });

  it("needs no pronoun of the question in the sentence ('keep its books'): it stands for a name", () => {
    const endorsement = hit(
      "All books and records relative to Bizzingo's obligations hereunder shall be maintained and made accessible to Theismann for inspection for at least one year after termination of this Agreement.",
      { documentId: "bizz", fileName: "Endorsement Agreement.txt" },
    );
    const q = "For how long after termination must Bizzingo keep its books open for Theismann to inspect?";
    expect(answeringSentence(q, judgeAnswerability(q, [endorsement], null), [endorsement])?.text).toContain("one year after termination");
  });
});

describe("answeringSentence: the question's verb and a yes/no question (14c)", () => {
  it("weighs an everyday verb of the question lightly: the report says what was done in its own words ('closed' — 'approximated')", () => {
    const op = hit(
      "Attention was turned to the wound over the lateral malleolus of the right ankle. The skin edges were approximated with 4-0 nylon sutures in a vertical mattress fashion.",
      { documentId: "orif", fileName: "ORIF Ankle.txt" },
    );
    const q = "What suture closed the skin edges over the lateral malleolus?";
    expect(answeringSentence(q, judgeAnswerability(q, [op], null), [op])?.text).toContain("4-0 nylon");
    // A rare verb is a term of art and still counts in full: no sentence says "sublicense".
    const licence = hit("The Licensee may grant rights in the Licensed Mark to its affiliates for a fee of 5% of net sales.", { documentId: "lic", fileName: "Licence.txt" });
    const rare = "What fee applies when the Licensee sublicenses the trademark to affiliates?";
    expect(answeringSentence(rare, { ...judgeAnswerability(rare, [licence], null), answerable: true }, [licence])).toBeNull();
  });

  it("counts that verb in full where the sentence says it ('governed by'): a light weight is for its absence only", () => {
    const outsourcing = hit(
      "Silicon Smelters and EIT both belong to the same group. 17.1. This Agreement shall be governed by, and construed in accordance with the laws of Spain.",
      { documentId: "ferro", fileName: "Outsourcing Agreement.txt" },
    );
    const q = "Which country's laws govern the Silicon Smelters / EIT outsourcing agreement?";
    expect(answeringSentence(q, { ...judgeAnswerability(q, [outsourcing], null), answerable: true }, [outsourcing])?.text).toContain("laws of Spain");
  });

  it("answers a yes/no question with the sentence stating its subject, though it leaves the verb unsaid ('royalty-free')", () => {
    const licence = hit(
      "1.1. License. The Licensor hereby grants to the Licensee a personal, non-exclusive, royalty-free right and license to use the Licensed Mark in the Territory.",
      { documentId: "nmf", fileName: "Trademark License Agreement.txt" },
    );
    const q = "Does the Licensee pay a royalty for using the NMF mark?";
    expect(answeringSentence(q, { ...judgeAnswerability(q, [licence], null), answerable: true }, [licence])?.text).toContain("royalty-free right");
    // The subject must be there: a sentence about paying something else is no answer.
    const taxes = hit("The Licensee shall pay all taxes arising from its use of the Licensed Mark.", { documentId: "nmf", fileName: "Trademark License Agreement.txt" });
    expect(answeringSentence(q, { ...judgeAnswerability(q, [taxes], null), answerable: true }, [taxes])).toBeNull();
  });
});

describe("answeringSentence: the slot asked for, and ties between sentences (14c)", () => {
  it("answers 'where' with a place named after a preposition, not any capitalised word", () => {
    const distributor = hit(
      "Snotarator prices are set by the Company. " +
        "All prices stated are in United States dollars and FOB the Company's offices in Frisco, Texas.",
      { documentId: "bb", fileName: "Distributor Agreement.txt" },
    );
    const q = "From where are Snotarator prices quoted FOB under the distributor agreement?";
    expect(answeringSentence(q, { ...judgeAnswerability(q, [distributor], null), answerable: true }, [distributor])?.text).toContain("in Frisco, Texas");
  });

  it("prefers, between sentences holding the same terms, the one whose value follows the focus phrase and that says the question's verb ('show' — 'showed')", () => {
    const mri = hit(
      "MRI brain, 9/30/96, was unchanged from previous, 3/6/95. The neuropsychological evaluation was stable. MRI brain, 3/6/95, showed mild generalized atrophy.",
      { documentId: "alz", fileName: "Alzheimer Disease.txt" },
    );
    const q = "What did the 3/6/95 brain MRI show in the Alzheimer disease patient?";
    expect(answeringSentence(q, { ...judgeAnswerability(q, [mri], null), answerable: true }, [mri])?.text).toContain("mild generalized atrophy");
  });
});
