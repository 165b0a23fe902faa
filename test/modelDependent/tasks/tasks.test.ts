import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { annotateDeadlines, checkObligation, extractDeadlines } from "@/lib/deadlines";
import { summarizePassages, SUMMARY_PRESETS, type SummaryEvent, type SummaryResult } from "@/lib/summarize";
import { loadLanguageModel, type LocalLanguageModel } from "@/models/llm";
import { contractText } from "@/test/utils/deadlineCheckSet";
import { medicalReport, reportPassages, type PagedPassages } from "@/test/utils/reportPassages";
import { testModelPaths, testModelThreads } from "../testModels";

// Whole-document tasks with the real test LLM: what Cairn guarantees whatever the 0.5B model
// writes. A summary's sentences all cite given passages; each citation is the page text at its
// offsets; every number the summary states is in the source; a report longer than the context
// goes through map-reduce with its parts streamed. A deadline row's deadline is its clause's own
// words, and the model's party/obligation are kept only when the clause holds them.

let llm: LocalLanguageModel;

beforeAll(async () => {
  // A 2,048-token context: one report fits, three do not (the long-document path).
  llm = await loadLanguageModel(testModelPaths().llm, { contextSize: 2048, threads: testModelThreads() });
});

afterAll(async () => {
  await llm?.dispose();
});

const stripMarkers = (s: string) => s.replace(/\s*\[\d+(?:\s*[,;-]\s*\d+)*\]/g, "");

function expectSummaryGuarantees(r: SummaryResult, doc: PagedPassages) {
  console.log(`summary (${r.mode}, ${r.parts} part(s), ${r.sentences.length} sentence(s), ${r.withheld.length} withheld): ${r.summary}`);
  const byN = new Map(doc.passages.map((p, i) => [i + 1, p]));
  for (const s of r.sentences) {
    expect(s.citations.length, `"${s.text}" cites a passage`).toBeGreaterThan(0);
    expect(s.verdict, `"${s.text}" is verified against its cited passages`).toBe("verified");
    for (const n of s.citations) expect(byN.has(n), `[${n}] was given`).toBe(true);
  }
  for (const c of r.citations) {
    const page = doc.pages.get(c.page!)!;
    expect(page.slice(c.charStart, c.charEnd), "a citation is its page's text at its offsets").toBe(c.quote);
  }
  const source = doc.text.replace(/\s+/g, " ");
  for (const n of stripMarkers(r.summary).match(/\d+(?:[.,]\d+)*/g) ?? []) {
    expect(source, `the number ${n} in the summary is in the source`).toContain(n);
  }
}

describe("summaries with the real LLM", () => {
  it("summarizes a report that fits in one pass, every sentence cited, every number from the source", async () => {
    const doc = reportPassages("alzheimer", medicalReport("Alzheimer Disease"));
    const events: SummaryEvent[] = [];
    const r = await summarizePassages({ documentId: "alzheimer", fileName: "alzheimer.pdf", passages: doc.passages }, SUMMARY_PRESETS.clinical, llm, (e) => events.push(e), undefined, 160);
    expect(r.mode).toBe("single");
    expect(events.some((e) => e.type === "token")).toBe(true);
    expectSummaryGuarantees(r, doc);
  });

  it("takes the map-reduce path for a report longer than the context, streaming each part", async () => {
    const text = ["Lumbar Laminectomy", "Anterior Cervical Discectomy & Fusion - 5", "ORIF & Closed Reduction"].map(medicalReport).join("\n\n");
    const doc = reportPassages("long", text, 700, 3);
    expect(llm.countTokens(text)).toBeGreaterThan(llm.contextSize);
    const events: SummaryEvent[] = [];
    const r = await summarizePassages({ documentId: "long", fileName: "long.pdf", passages: doc.passages }, SUMMARY_PRESETS.brief, llm, (e) => events.push(e), undefined, 120);
    expect(r.mode).toBe("map_reduce");
    expect(r.parts).toBeGreaterThan(1);
    expect(events.filter((e) => e.type === "partial")).toHaveLength(r.parts);
    expectSummaryGuarantees(r, doc);
  });

  it("the summary session (a larger context over the same weights) reads that report in one pass", async () => {
    const big = await llm.withContextSize(8192);
    expect(big.contextSize).toBe(8192);
    expect(big.modelName).toBe(llm.modelName);
    expect(llm.contextSize).toBe(2048);
    expect(await llm.withContextSize(8192)).toBe(big);
    const text = ["Lumbar Laminectomy", "Anterior Cervical Discectomy & Fusion - 5", "ORIF & Closed Reduction"].map(medicalReport).join("\n\n");
    const doc = reportPassages("long", text, 700, 3);
    const r = await summarizePassages({ documentId: "long", fileName: "long.pdf", passages: doc.passages }, SUMMARY_PRESETS.clinical, big, () => {}, undefined, 80);
    expect(r.mode).toBe("single");
    // The report's labelled fields are kept verbatim and cited ("PROCEDURE: …" of the laminectomy).
    expect(r.summary).toContain("Lumbar laminectomy for decompression");
    expectSummaryGuarantees(r, doc);
    // ~3,300 prompt tokens: ~30 s on a quiet machine, minutes on a loaded one.
  }, 900_000);
});

describe("deadline obligations with the real LLM", () => {
  it("keeps every dated clause as a row and only checked model words", async () => {
    const text = contractText("ADIANUTRITION,INC_04_01_2005-EX-10.D2-RESELLER AGREEMENT.txt");
    const doc = extractDeadlines({ documentId: "adia", fileName: "adia.txt", pages: [{ page: null, text }] });
    const rows = doc.rows.slice(4, 10);
    const before = rows.map((r) => ({ id: r.id, deadline: r.deadline, clause: r.clause }));
    await annotateDeadlines(rows, llm, { parties: doc.parties });
    expect(rows.map((r) => ({ id: r.id, deadline: r.deadline, clause: r.clause }))).toEqual(before);
    for (const r of rows) {
      expect(r.clause).toContain(r.deadline.split(" / ")[0]);
      expect(["model", "clause", "none"]).toContain(r.obligationSource);
      if (r.obligationSource === "clause") expect(r.clause).toContain(r.obligation!.split(" ").slice(1).join(" "));
      if (r.party) expect([...doc.parties, "either party", "each party", "both parties", "parties"].map((p) => p.toLowerCase())).toContain(r.party.toLowerCase());
      if (r.obligationSource === "model") expect(checkObligation(r.clause, r.party ?? "", r.obligation!, doc.parties).obligation).toBe(r.obligation);
    }
  });
});
