import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { checkSummary, clinicalFieldLines, sectionGroups, SUMMARY_PRESETS } from "@/lib/summarize";
import { clinicalFields } from "@/lib/utils/clinicalFields";
import { looksLikeDocumentName, matchDocument, parseSummaryRequest } from "@/lib/utils/summaryIntent";
import type { UsedPassage } from "@/lib/prompt";
import { medicalReport, reportPassages } from "@/test/utils/reportPassages";
import { chatStreamReducer, initialChatStream } from "@/app/components/utils/chatStream";
import { toAnswerEvent } from "@/app/components/utils/readSse";

// Summaries asked for in the chat: the request parser, the document it names, the report's
// labelled fields kept verbatim, and map parts along the document's headings.

describe("summary requests in the chat", () => {
  it.each([
    ["summarize report.pdf", "report.pdf", "brief", undefined],
    ["Summarise the discharge summary", "discharge summary", "brief", undefined],
    ["give me a clinical summary of CT-2024.pdf", "CT-2024.pdf", "clinical", undefined],
    ["Please summarize “Lumbar Laminectomy.pdf”.", "Lumbar Laminectomy.pdf", "brief", undefined],
    ["can you summarize my report.pdf, focusing on the medications?", "report.pdf", "brief", "A summary focusing on the medications."],
    ["Summary of the Snotarator agreement", "Snotarator agreement", "brief", undefined],
    ["key facts summary of lease.docx", "lease.docx", "key_facts", undefined],
    ["write me a short summary of minutes", "minutes", "brief", undefined],
  ])("%s", (text, target, preset, instruction) => {
    const r = parseSummaryRequest(text);
    expect(r).toEqual({ target, preset, ...(instruction && { instruction }) });
  });

  it.each([
    "What is the dose of Versed?",
    "summarize what the contract says about renewal",
    "Summarize how the patient was treated",
    "summarize",
    "summarize   ?",
    "can you tell me the summary judgment date",
    "Summarize all of them",
    "",
    `summarize ${"x".repeat(300)}`,
  ])("not a summary request: %j", (text) => {
    expect(parseSummaryRequest(text)).toBeNull();
  });

  it("a request whose target reads as a question is answered as one when no document has that name", () => {
    // The chat summarizes only when a document matches; otherwise these go to retrieve-and-answer.
    expect(looksLikeDocumentName(parseSummaryRequest("the summary of findings says what?")!.target)).toBe(false);
    expect(looksLikeDocumentName(parseSummaryRequest("summarize the dispute between Acme and Widget")!.target)).toBe(false);
    expect(looksLikeDocumentName(parseSummaryRequest("summarize budget.xlsx")!.target)).toBe(true);
    expect(looksLikeDocumentName(parseSummaryRequest("summarize the discharge summary")!.target)).toBe(true);
  });

  const docs = [
    { id: "1", name: "report.pdf", title: "" },
    { id: "2", name: "discharge-summary.pdf", title: "Discharge Summary" },
    { id: "3", name: "CnsPharmaceuticalsInc_2020_EX-10.1_Development Agreement.pdf", title: "Development Agreement" },
    { id: "4", name: "BLACKBOXSTOCKSINC_08_05_2014-EX-10.1-DISTRIBUTOR AGREEMENT.pdf", title: "Distributor Agreement" },
    { id: "5", name: "report.txt", title: "" },
  ];

  it("finds the document by file name, title or its words; several or none are listed", () => {
    expect(matchDocument("report.pdf", docs)).toEqual({ kind: "one", document: docs[0] });
    expect(matchDocument("REPORT.PDF", docs)).toEqual({ kind: "one", document: docs[0] });
    expect(matchDocument("discharge summary", docs)).toEqual({ kind: "one", document: docs[1] });
    expect(matchDocument("Cns development agreement", docs)).toEqual({ kind: "one", document: docs[2] });
    expect(matchDocument("distributor agreement", docs)).toEqual({ kind: "one", document: docs[3] });
    const two = matchDocument("report", docs);
    expect(two.kind).toBe("ambiguous");
    expect(two.kind !== "one" && two.candidates.map((d) => d.id)).toEqual(["1", "5"]);
    const agreements = matchDocument("agreement", docs);
    expect(agreements.kind !== "one" && agreements.candidates.map((d) => d.id)).toEqual(["3", "4"]);
    const none = matchDocument("budget.xlsx", docs);
    expect(none.kind).toBe("unknown");
    expect(none.kind !== "one" && none.candidates.length).toBe(docs.length);
    expect(matchDocument("anything", [])).toEqual({ kind: "unknown", candidates: [] });
  });

  it("a hostile or odd target matches nothing and breaks nothing", () => {
    for (const t of ["../../etc/passwd", "'; DROP TABLE documents; --", "\u0000\u202e", "(".repeat(150), "a.pdf".repeat(40)]) {
      const r = parseSummaryRequest(`summarize ${t}`);
      if (r) expect(matchDocument(r.target, docs).kind).not.toBe("one");
    }
  });
});

describe("a clinical summary keeps the report's own fields", () => {
  it("finds labelled fields and dose sentences verbatim, once each", () => {
    const text = medicalReport("Pacemaker (Dual Chamber) - 1");
    const fields = clinicalFields(text);
    expect(fields.map((f) => f.label)).toContain("Medications at the time of study");
    const meds = fields.find((f) => f.label === "Medications at the time of study")!;
    expect(meds.text).toContain("Versed 2.5 mg");
    expect(meds.text).toContain("Fentanyl 150 mcg");
    // A dose sentence in the narrative.
    expect(fields.some((f) => f.label === null && f.text.includes("Lidocaine 1% (20 mL)"))).toBe(true);
    // The postoperative diagnosis repeating the preoperative one is said once.
    expect(fields.filter((f) => f.text === "Complete heart block.").length).toBe(1);
    // Verbatim: every field's words are in the text where it says.
    for (const f of fields) expect(text.slice(f.start, f.end).replace(/\s+/g, " ")).toContain(f.text.replace(/[.,;:]$/, ""));
  });

  it("the field lines pass verification, cite the passage holding them, and state no number absent from the source", () => {
    const facts: { report: string }[] = JSON.parse(fs.readFileSync("test/fixtures/summaries/medical-key-facts.json", "utf8"));
    for (const { report } of facts) {
      const doc = reportPassages("r", medicalReport(report));
      const used = doc.passages.map((hit, i) => ({ n: i + 1, hit }));
      const lines = clinicalFieldLines(used, "");
      const r = checkSummary(lines.join("\n"), used, SUMMARY_PRESETS.clinical);
      expect(r.withheld, report).toEqual([]);
      expect(r.sentences.every((s) => s.verdict === "verified")).toBe(true);
      for (const n of r.summary.replace(/\[\d+(?:,\s*\d+)*\]/g, "").match(/\d+(?:[.,/]\d+)*/g) ?? []) expect(doc.text, `${report}: ${n}`).toContain(n);
      for (const c of r.citations) expect(doc.pages.get(c.page!)!.slice(c.charStart, c.charEnd)).toBe(c.quote);
    }
  });

  it("a field the model's summary already states is not repeated", () => {
    const doc = reportPassages("a", medicalReport("Aortobifemoral Bypass - 1"));
    const used = doc.passages.map((hit, i) => ({ n: i + 1, hit }));
    const all = clinicalFieldLines(used, "");
    expect(all.some((l) => l.startsWith("Estimated blood loss: 300 cc"))).toBe(true);
    const rest = clinicalFieldLines(used, "Estimated blood loss was 300 cc [1].");
    expect(rest.some((l) => l.startsWith("Estimated blood loss"))).toBe(false);
    expect(rest.length).toBe(all.length - 1);
  });
});

describe("map parts follow the document's headings", () => {
  const p = (n: number, headingPath: string, chars: number): UsedPassage => ({
    n,
    hit: { id: `c${n}`, documentId: "d", collectionId: "c", documentSha256: "0", ordinal: n, page: 1, headingPath, charStart: 0, charEnd: chars, tokenCount: chars, text: "x".repeat(chars), score: 1 },
  });
  // One token per character of text (the rendered passage adds a little).
  const counter = { countTokens: (s: string) => s.length };

  it("packs whole sections while they fit and never splits one that fits", () => {
    const used = [p(1, "History", 300), p(2, "History > Past", 300), p(3, "Findings", 500), p(4, "Plan", 200), p(5, "Plan", 200)];
    const groups = sectionGroups(used, 1000, counter).map((g) => g.map((u) => u.n));
    // Token packing alone would give [1,2] [3,4] [5]; by sections: History, then Findings, then Plan.
    expect(groups).toEqual([[1, 2], [3], [4, 5]]);
  });

  it("a section over the budget is split by tokens; a document without headings is grouped by tokens", () => {
    const big = [p(1, "Procedure", 600), p(2, "Procedure", 600), p(3, "Procedure", 600), p(4, "Plan", 100)];
    expect(sectionGroups(big, 1000, counter).map((g) => g.map((u) => u.n))).toEqual([[1], [2], [3], [4]]);
    const flat = [p(1, "", 400), p(2, "", 400), p(3, "", 400)];
    expect(sectionGroups(flat, 1000, counter).map((g) => g.map((u) => u.n))).toEqual([[1, 2], [3]]);
  });
});

describe("the chat shows a summary's progress", () => {
  it("status events of a summary become the progress line; a new question clears it", () => {
    let s = chatStreamReducer(initialChatStream, { type: "asked", question: "summarize r.pdf", questionKey: "q", answerKey: "a" });
    s = chatStreamReducer(s, { type: "event", answerKey: "a", event: { type: "status", stage: "summarizing", fileName: "r.pdf", part: 2, parts: 3 } });
    expect(s.phase).toBe("summarizing");
    expect(s.progress).toBe("Summarizing r.pdf: part 2 of 3…");
    s = chatStreamReducer(s, { type: "event", answerKey: "a", event: { type: "status", stage: "summarizing", fileName: "r.pdf", part: 1, parts: 1 } });
    expect(s.progress).toBe("Summarizing r.pdf…");
    s = chatStreamReducer(s, { type: "asked", question: "and?", questionKey: "q2", answerKey: "a2" });
    expect(s.progress).toBe("");
  });
});

describe("the chat page reads a summary's events", () => {
  it("accepts a summarizing status with its document and part, and drops malformed fields", () => {
    expect(toAnswerEvent("status", { stage: "summarizing", fileName: "r.pdf", part: 1, parts: 2 })).toEqual({ type: "status", stage: "summarizing", fileName: "r.pdf", part: 1, parts: 2 });
    expect(toAnswerEvent("status", { stage: "summarizing", fileName: 7, part: -1, parts: "2" })).toEqual({ type: "status", stage: "summarizing" });
    expect(() => toAnswerEvent("status", { stage: "combining" })).toThrow(/unexpected "status" event/);
  });
});
