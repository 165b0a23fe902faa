import { describe, expect, it } from "vitest";
import { chunkDocument, embeddingText, type ChunkOptions } from "@/ingest/chunk";
import { clausePaths, documentContext, findClauses, preambleParties } from "@/ingest/chunkContext";
import type { ParsedDocument } from "@/ingest/types";
import { approxTokens } from "./helpers";

// Structure-aware chunking and the context header: boundaries at clause numbers and headings,
// no cut mid-sentence, the clause path recorded for PDF chunks, and a header (title, parties,
// section) that is embedded with the chunk but never part of its text or offsets.

const opts: ChunkOptions = { countTokens: approxTokens, maxTokens: 128, chunkTokens: 64, overlapTokens: 8, fileName: "Kubient-AP Master Services Agreement.pdf" };

const filler = (n: number, seed: number) =>
  Array.from({ length: n }, (_, i) => ["the", "services", "shall", "be", "provided", "by", "each", "party", "as", "agreed"][(i * 3 + seed) % 10]).join(" ");

const preamble =
  'MASTER SERVICES AGREEMENT\nThis Master Services Agreement is by and between Kubient Inc., with offices located at 330 7th Avenue ("Kubient") and The Associated Press, a New York not-for-profit corporation (the "Customer").\n';
// Clauses of ~20–40 tokens: several fit one chunk, so every chunk can start at a clause.
const clauses = [
  `1. Services. Kubient shall provide the ${filler(12, 1)}.`,
  `2. Fees. Customer shall pay ${filler(14, 2)} within thirty days.`,
  `3. Term. The initial term of this Agreement shall be one (1) year. ${filler(10, 3)}.`,
  `ARTICLE IV CONFIDENTIALITY\n4.1 Each party shall keep ${filler(12, 4)} secret.`,
  `4.2 Exceptions. Information that is ${filler(16, 5)} public is excluded.`,
  `Section 5(b) Notices. Notices shall be ${filler(12, 6)} in writing.`,
  `12. Governing Law. This Agreement is governed in all respects by the laws of the State of Delaware.`,
];
const pageText = preamble + clauses.join("\n");

function pdf(text: string, title?: string): ParsedDocument {
  return { kind: "pdf", title, pageCount: 1, pages: [{ number: 1, text, sections: [{ headingPath: [], start: 0, end: text.length }] }], pagesWithoutText: [], warnings: [] };
}

describe("clause detection", () => {
  it("finds numbered clauses, articles, sections and inline caps headings, not numbers inside sentences", () => {
    const text =
      "1. Definitions. Words.\n1.1 Agreement. More words as set forth in Section 5.15 of the Other Agreement at $0.15 per share.\nARTICLE IV REMEDIES\nSection 5(b) Cure. Text. 12. GOVERNING LAW This agreement is governed.\nESTIMATED BLOOD LOSS: 300 cc. FLUOROSCOPY TIME: , 2.6 minutes.";
    const found = findClauses(text).map((c) => c.label);
    expect(found).toEqual(["1. Definitions", "1.1 Agreement", "ARTICLE IV REMEDIES", "Section 5(b) Cure", "12. GOVERNING LAW", "ESTIMATED BLOOD LOSS", "FLUOROSCOPY TIME"]);
    // "Section 5.15 of", "$0.15" and "2.6 minutes" are not clause starts.
    expect(findClauses(text).every((c) => !/^(Section 5\.15|0\.15|2\.6)/.test(c.label))).toBe(true);
  });

  it("nests clause numbers under their article, and caps headings parent nothing", () => {
    const paths = clausePaths(findClauses("ARTICLE 6 TERM AND TERMINATION\n6.1 Term. X.\n6.2 Notice. Y.\n7. Law. Z.\nANESTHESIA: General.\n8. Fees. W."));
    expect(paths.map((p) => p.path.join(" > "))).toEqual([
      "ARTICLE 6 TERM AND TERMINATION",
      "ARTICLE 6 TERM AND TERMINATION > 6.1 Term",
      "ARTICLE 6 TERM AND TERMINATION > 6.2 Notice",
      "7. Law",
      "ANESTHESIA",
      "8. Fees",
    ]);
  });

  it("reads the parties from a preamble, leaving out roles every agreement has", () => {
    expect(preambleParties(preamble)).toEqual(["Kubient Inc.", "The Associated Press"]);
    expect(
      preambleParties('Agreement by and between PivX Corporation, a California corporation ("PivX") and Detto Technologies, a Washington corporation ("Detto"). NOW THEREFORE'),
    ).toEqual(["PivX Corporation", "Detto Technologies"]);
    expect(preambleParties("PREOPERATIVE DIAGNOSIS: Varicose veins. The patient is a 30-year-old male.")).toEqual([]);
  });

  it("titles a document by its metadata or first heading, else its file name", () => {
    expect(documentContext(pdf("x"), "ACME_Supply Agreement.pdf").title).toBe("ACME Supply Agreement");
    expect(documentContext(pdf("x", "Supply Agreement"), "acme.pdf").title).toBe("Supply Agreement (acme)");
  });
});

describe("chunkDocument with structure and headers", () => {
  it("starts chunks at clause numbers, records the clause path, and keeps the header out of the quoted text", async () => {
    const d = pdf(pageText);
    const chunks = await chunkDocument(d, opts);
    const starts = new Set([0, ...findClauses(pageText).map((c) => c.start)]);
    expect(chunks.length).toBeGreaterThan(2);
    for (const c of chunks) {
      // Offsets exact, header separate.
      expect(pageText.slice(c.charStart, c.charEnd)).toBe(c.text);
      expect(c.text).not.toContain("Section:");
      expect(c.context.split("\n")[0]).toBe("Kubient-AP Master Services Agreement");
      expect(c.context).toContain("Parties: Kubient Inc.; The Associated Press");
      expect(approxTokens(embeddingText(c))).toBeLessThanOrEqual(opts.maxTokens);
      // Clauses are shorter than a chunk: every chunk starts exactly at one (no overlap into the previous clause).
      expect(starts.has(c.charStart), `chunk at ${c.charStart}: "${c.text.slice(0, 30)}"`).toBe(true);
    }
    const law = chunks.find((c) => c.text.includes("State of Delaware"))!;
    expect(law.headingPath.at(-1)).toMatch(/^(12\. Governing Law|Section 5\(b\) Notices|ARTICLE IV)/);
    expect(chunks.find((c) => c.text.startsWith("12. Governing Law"))?.headingPath).toEqual(["12. Governing Law"]);
    expect(chunks.find((c) => c.text.startsWith("4.2"))?.headingPath).toEqual(["ARTICLE IV CONFIDENTIALITY", "4.2 Exceptions"]);
    expect(new Set(chunks.map((c) => c.charStart)).size).toBe(chunks.length);
    expect(chunks.every((c) => c.headingPath.length > 0 || c.charStart === 0)).toBe(true);
    const lawChunk = chunks.find((c) => c.text.includes("12. Governing Law"))!;
    expect(lawChunk.context).toMatch(/Section: .+/);
  });

  it("cuts a clause longer than a chunk at sentence ends, not mid-sentence", async () => {
    const sentences = Array.from({ length: 14 }, (_, i) => `Sentence ${i + 1} says that ${filler(9 + (i % 4), i)}.`);
    const text = `7. Obligations. ${sentences.join(" ")}`;
    const chunks = await chunkDocument(pdf(text), { ...opts, fileName: undefined });
    expect(chunks.length).toBeGreaterThan(2);
    for (const c of chunks) {
      expect(c.text).toMatch(/\.$/);
      // Own start (after any overlap) is a sentence start or the clause start.
      expect(c.headingPath).toEqual(["7. Obligations"]);
      expect(c.context).toBe("");
    }
    // Without a file name there is no header to make room for.
    expect(chunks.every((c) => approxTokens(c.text) <= opts.maxTokens)).toBe(true);
  });

  it("carries the clause a page ends in onto the next page", async () => {
    const d: ParsedDocument = {
      kind: "pdf",
      pageCount: 2,
      pages: [
        { number: 1, text: `ARTICLE 7 OBLIGATIONS\n7.1 Supply. ${filler(12, 1)}.`, sections: [] },
        { number: 2, text: `continued from the last page, ${filler(10, 2)}.\n7.2 Quality. ${filler(8, 3)}.\n8. Law. Texas.`, sections: [] },
      ],
      pagesWithoutText: [],
      warnings: [],
    };
    const chunks = await chunkDocument(d, { ...opts, chunkTokens: 20, overlapTokens: 0 });
    const page2 = chunks.filter((c) => c.page === 2);
    expect(page2[0]!.headingPath).toEqual(["ARTICLE 7 OBLIGATIONS", "7.1 Supply"]);
    expect(page2.find((c) => c.text.startsWith("7.2"))?.headingPath).toEqual(["ARTICLE 7 OBLIGATIONS", "7.2 Quality"]);
    expect(page2.find((c) => c.text.startsWith("8. Law"))?.headingPath).toEqual(["8. Law"]);
  });

  it("treats Markdown/DOCX headings (parser sections) as boundaries and keeps their path first", async () => {
    const a = `Renewal\n\n${filler(20, 1)}.`;
    const b = `\n\nTermination\n\n1. Notice. ${filler(20, 2)}.`;
    const text = a + b;
    const d: ParsedDocument = {
      kind: "docx",
      pageCount: 1,
      pages: [{ number: null, text, sections: [{ headingPath: ["Contract", "Renewal"], start: 0, end: a.length }, { headingPath: ["Contract", "Termination"], start: a.length, end: text.length }] }],
      pagesWithoutText: [],
      warnings: [],
    };
    const chunks = await chunkDocument(d, { ...opts, chunkTokens: 100, overlapTokens: 0 });
    expect(chunks.map((c) => c.charStart)).toEqual([0, text.indexOf("Termination")]);
    expect(chunks[1]!.headingPath).toEqual(["Contract", "Termination"]);
    // A heading too small to stand alone stays with the clause after it.
    const small = await chunkDocument(d, { ...opts, chunkTokens: 40, overlapTokens: 0 });
    const notice = small.find((c) => c.text.includes("1. Notice"))!;
    expect(notice.text.startsWith("Termination")).toBe(true);
    expect(notice.headingPath).toEqual(["Contract", "Termination"]);
  });
});
