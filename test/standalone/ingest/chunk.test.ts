import { RecursiveCharacterTextSplitter } from "@langchain/textsplitters";
import { describe, expect, it } from "vitest";
import { chunkDocument, type ChunkOptions } from "@/ingest/chunk";
import type { ChunkDraft, ParsedDocument, ParsedPage } from "@/ingest/types";
import { CairnError } from "@/core/errors";
import { approxTokens } from "./helpers";

// Token counts use approxTokens (helpers.ts), a deterministic WordPiece-like stand-in
// for the embedder's tokenizer, which only exists in the model-dependent tests.

const opts: ChunkOptions = { countTokens: approxTokens, maxTokens: 64, chunkTokens: 48, overlapTokens: 8 };

function doc(pages: ParsedPage[]): ParsedDocument {
  return { kind: "pdf", pageCount: pages.length, pages, pagesWithoutText: [], warnings: [] };
}
const page = (number: number | null, text: string, sections?: ParsedPage["sections"]): ParsedPage => ({
  number,
  text,
  sections: sections ?? [{ headingPath: [], start: 0, end: text.length }],
});

function checkInvariants(d: ParsedDocument, chunks: ChunkDraft[], o: ChunkOptions) {
  chunks.forEach((c, i) => {
    expect(c.ordinal).toBe(i);
    const p = d.pages.find((x) => x.number === c.page);
    expect(p).toBeDefined();
    expect(p?.text.slice(c.charStart, c.charEnd)).toBe(c.text);
    expect(c.tokenCount).toBe(o.countTokens(c.text));
    expect(c.tokenCount).toBeLessThanOrEqual(o.maxTokens);
    expect(c.text.trim()).toBe(c.text);
    expect(c.text.length).toBeGreaterThan(0);
  });
}

const words = (n: number, seed = 0) =>
  Array.from({ length: n }, (_, i) => ["valve", "pump", "isolate", "pressure", "gauge", "lockout", "drain", "operator"][(i * 5 + seed) % 8] + (i % 13)).join(" ");

describe("chunkDocument", () => {
  it("chunks each page separately, with exact offsets and page numbers", async () => {
    const d = doc([page(1, words(300)), page(2, words(40, 3)), page(3, "   "), page(4, "short last page.")]);
    const chunks = await chunkDocument(d, opts);
    checkInvariants(d, chunks, opts);
    expect(new Set(chunks.map((c) => c.page))).toEqual(new Set([1, 2, 4]));
    expect(chunks.filter((c) => c.page === 1).length).toBeGreaterThan(3);
    // Page 1 is covered from start to end, and consecutive chunks overlap or touch.
    const p1 = chunks.filter((c) => c.page === 1);
    expect(p1[0].charStart).toBe(0);
    expect(p1.at(-1)?.charEnd).toBe(d.pages[0].text.length);
    for (let i = 1; i < p1.length; i++) {
      expect(p1[i].charStart).toBeGreaterThan(p1[i - 1].charStart);
      // Overlapping, or separated by whitespace only: no text is left out.
      expect(d.pages[0].text.slice(p1[i - 1].charEnd, p1[i].charStart).trim()).toBe("");
    }
  });

  it("never splits inside a word", async () => {
    const text = words(500);
    const d = doc([page(1, text)]);
    const chunks = await chunkDocument(d, opts);
    const isWordChar = (ch: string | undefined) => ch !== undefined && /\w/.test(ch);
    // 500 words are many chunks: every cut below is a real one.
    expect(chunks.length).toBeGreaterThan(10);
    for (const c of chunks) {
      expect(isWordChar(text[c.charStart - 1]) && isWordChar(text[c.charStart])).toBe(false);
      expect(isWordChar(text[c.charEnd - 1]) && isWordChar(text[c.charEnd])).toBe(false);
    }
  });

  it("overlaps consecutive chunks by about overlapTokens", async () => {
    const d = doc([page(1, words(400))]);
    const chunks = await chunkDocument(d, opts);
    expect(chunks.length).toBeGreaterThan(5);
    for (let i = 1; i < chunks.length; i++) {
      const overlap = d.pages[0].text.slice(chunks[i].charStart, chunks[i - 1].charEnd);
      expect(approxTokens(overlap)).toBeGreaterThan(opts.overlapTokens / 2);
      expect(approxTokens(overlap)).toBeLessThanOrEqual(opts.overlapTokens);
    }
  });

  it("finds the right place for repeated passages", async () => {
    const para = "The notice period is thirty days from receipt of the written notice by the other party.";
    const text = Array.from({ length: 12 }, () => para).join("\n\n");
    const d = doc([page(1, text)]);
    const chunks = await chunkDocument(d, { ...opts, chunkTokens: 20, overlapTokens: 0 });
    checkInvariants(d, chunks, opts);
    expect(chunks.length).toBe(12);
    expect(chunks.map((c) => c.charStart)).toEqual(Array.from({ length: 12 }, (_, i) => i * (para.length + 2)));
  });

  it("places overlapping chunks of repeated and periodic text in order, covering the page", async () => {
    const text = Array.from({ length: 30 }, () => "same words again and again").join(" ") + " " + "ab ".repeat(400);
    const d = doc([page(1, text)]);
    const chunks = await chunkDocument(d, opts);
    checkInvariants(d, chunks, opts);
    for (let i = 1; i < chunks.length; i++) {
      expect(chunks[i].charStart).toBeGreaterThan(chunks[i - 1].charStart);
      expect(chunks[i].charEnd).toBeGreaterThan(chunks[i - 1].charEnd);
      expect(text.slice(chunks[i - 1].charEnd, chunks[i].charStart).trim()).toBe("");
    }
    expect(chunks.at(-1)?.charEnd).toBe(text.trimEnd().length);
  });

  it("never exceeds maxTokens, even for a hostile 100k-character string without spaces", async () => {
    const hostile = "x".repeat(50_000) + "Ab1-" .repeat(12_500);
    const d = doc([page(1, hostile), page(2, `before ${"y".repeat(5000)} after`)]);
    const chunks = await chunkDocument(d, opts);
    checkInvariants(d, chunks, opts);
    // Every character of the page is covered.
    const covered = chunks.filter((c) => c.page === 1).reduce((n, c, i, arr) => n + (c.charEnd - Math.max(c.charStart, i ? arr[i - 1].charEnd : 0)), 0);
    expect(covered).toBe(hostile.length);
  });

  it("re-splits a piece the splitter leaves over maxTokens (token count not additive)", async () => {
    // A counter where joined text costs more than its parts: each space-joined word adds 3.
    const countTokens = (t: string) => approxTokens(t) + 3 * (t.split(/\s+/).filter(Boolean).length - 1);
    const o = { countTokens, maxTokens: 40, chunkTokens: 40, overlapTokens: 4 };
    const text = words(200);
    const d = doc([page(1, text)]);
    // The splitter alone (as chunkDocument configures it) sums its parts' counts, so it does leave pieces over the limit.
    const splitter = new RecursiveCharacterTextSplitter({ chunkSize: o.chunkTokens - o.overlapTokens, chunkOverlap: 0, lengthFunction: countTokens });
    const pieces = await splitter.splitText(text);
    const over = pieces.filter((p) => countTokens(p) > o.maxTokens);
    expect(over.length, "the splitter leaves pieces over maxTokens").toBeGreaterThan(0);
    const chunks = await chunkDocument(d, o);
    checkInvariants(d, chunks, o);
    // Each piece over the limit became several chunks: more chunks than pieces, and none of the
    // over-limit pieces survives as a chunk.
    expect(chunks.length).toBeGreaterThanOrEqual(pieces.length + over.length);
    for (const p of over) expect(chunks.some((c) => c.text === p)).toBe(false);
    // Nothing was lost: the chunks, overlaps aside, cover the whole page.
    expect(chunks[0]!.charStart).toBe(0);
    expect(chunks.at(-1)!.charEnd).toBe(text.length);
    for (let i = 1; i < chunks.length; i++) expect(text.slice(chunks[i - 1]!.charEnd, chunks[i]!.charStart).trim()).toBe("");
  });

  it("carries the heading path of the section a chunk starts in", async () => {
    const a = `Safety\n\n${words(60)}\n\n`;
    const b = `Isolation\n\n${words(60, 1)}`;
    const text = a + b;
    const d: ParsedDocument = {
      kind: "docx",
      pageCount: 1,
      pages: [page(null, text, [
        { headingPath: ["Manual", "Safety"], start: 0, end: a.length },
        { headingPath: ["Manual", "Isolation"], start: a.length, end: text.length },
      ])],
      pagesWithoutText: [],
      warnings: [],
    };
    const chunks = await chunkDocument(d, opts);
    checkInvariants(d, chunks, opts);
    for (const [i, c] of chunks.entries()) {
      expect(c.page).toBeNull();
      // A chunk's own text starts where the previous chunk ends (before that is overlap).
      const ownStart = i === 0 ? c.charStart : text.indexOf(text.slice(chunks[i - 1].charEnd).trimStart(), chunks[i - 1].charEnd);
      expect(c.headingPath).toEqual(ownStart < a.length ? ["Manual", "Safety"] : ["Manual", "Isolation"]);
    }
    expect(chunks.some((c) => c.headingPath[1] === "Isolation")).toBe(true);
  });

  it("rejects impossible sizes", async () => {
    const err = await chunkDocument(doc([page(1, "x")]), { ...opts, overlapTokens: 48 }).catch((e: unknown) => e);
    expect((err as CairnError).reason).toBe("invalid_chunk_options");
  });
});
