import { RecursiveCharacterTextSplitter } from "@langchain/textsplitters";
import { CairnError } from "@/core/errors";
import type { ChunkDraft, ParsedDocument, ParsedPage } from "./types";
import { clausePaths, contextHeader, documentContext, findClauses, type Clause } from "./chunkContext";
import { locateConsecutivePieces, type Span } from "./utils/locatePieces";

// Pages → chunks sized in the embedder's tokens, cut where the document's own structure is:
// numbered clauses and headings ("12.", "5.1", "ARTICLE IV", "Section 5(b)", Markdown/DOCX
// headings) start a chunk when they can, and a clause is cut at a sentence end, not mid-sentence.
// Whole clauses are packed together up to the target size; a clause too long for one chunk is
// packed sentence by sentence, and a sentence too long for one chunk is left to LangChain's
// recursive splitter (paragraph, line, word; characters only for a "word" longer than a chunk).
// Anything over maxTokens is re-split (the embedder would truncate it). A chunk cut inside a
// clause is extended back over whole words of the previous one for the overlap; one that starts
// at a clause starts exactly there. With `fileName`, every chunk also gets its context header
// (title, parties, section path; ./chunkContext.ts), within the same maxTokens.

export interface ChunkOptions {
  /** The embedder's token count for a text, without special tokens. */
  countTokens: (text: string) => number;
  /** Hard ceiling per chunk (the embedder's input limit), header included. */
  maxTokens: number;
  /** Target size. */
  chunkTokens: number;
  overlapTokens: number;
  /** The document's file name: given, each chunk gets a context header (title, parties, section). */
  fileName?: string;
}

function validate(o: ChunkOptions): void {
  const ok = o.maxTokens >= 1 && o.chunkTokens >= 1 && o.chunkTokens <= o.maxTokens && o.overlapTokens >= 0 && o.overlapTokens < o.chunkTokens;
  if (!ok) {
    throw new CairnError(
      "bad_request:parse",
      `Invalid chunk sizes: chunk ${o.chunkTokens}, overlap ${o.overlapTokens}, max ${o.maxTokens} tokens (need 0 ≤ overlap < chunk ≤ max).`,
      { reason: "invalid_chunk_options" },
    );
  }
}

/** What the embedder gets for a chunk: its header, a blank line, its text. */
export function embeddingText(chunk: Pick<ChunkDraft, "context" | "text">): string {
  return chunk.context ? `${chunk.context}\n\n${chunk.text}` : chunk.text;
}

/** Where a unit starts: a heading or top-level clause, a sub-clause, a sentence, or a splitter piece. */
type UnitKind = "section" | "clause" | "sentence" | "piece";
const startsClause = (k: UnitKind) => k === "section" || k === "clause";
/** A chunk this full ends where the next section starts; below it, small sections are packed together. */
const SECTION_FILL = 0.25;
interface Unit extends Span {
  kind: UnitKind;
  tokens: number;
}

// A sentence ends at . ! ? (closing quotes or brackets after it) before a capital, digit or opening
// quote; not after a digit ("12. Governing Law" is a clause number, not a sentence).
const SENTENCE_END = /(?<=[^\s\d.])[.!?]["”’)\]]*(?=\s+["“([]?[A-Z0-9])/g;

/** Chunks never span pages: each page is split on its own, so every chunk cites one page. */
export async function chunkDocument(doc: ParsedDocument, rawOptions: ChunkOptions): Promise<ChunkDraft[]> {
  validate(rawOptions);
  // The splitter measures the same text several times; the real tokenizer is not free,
  // so remember counts (per call, bounded).
  const memo = new Map<string, number>();
  const countTokens = (text: string) => {
    let n = memo.get(text);
    if (n === undefined) {
      n = rawOptions.countTokens(text);
      if (memo.size > 50_000) memo.clear();
      memo.set(text, n);
    }
    return n;
  };
  const context = rawOptions.fileName !== undefined ? documentContext(doc, rawOptions.fileName) : null;
  // The header's share of maxTokens; the text gets the rest.
  const headerBudget = context ? Math.min(64, Math.floor(rawOptions.maxTokens / 4)) : 0;
  const textMax = rawOptions.maxTokens - headerBudget;
  const chunkTokens = Math.max(1, Math.min(rawOptions.chunkTokens, textMax));
  const overlapTokens = Math.min(rawOptions.overlapTokens, chunkTokens - 1);
  const options = { ...rawOptions, countTokens, maxTokens: textMax, chunkTokens, overlapTokens };
  const target = Math.max(1, chunkTokens - overlapTokens);
  const splitter = new RecursiveCharacterTextSplitter({ chunkSize: target, chunkOverlap: 0, lengthFunction: countTokens });

  const chunks: ChunkDraft[] = [];
  // Clauses run on across pages: a page starting mid-clause is in the clause the last page ended in.
  const open: Clause[] = [];
  for (const page of doc.pages) {
    if (!page.text.trim()) continue;
    const carried = open.map((c) => c.label);
    const clauses = clausePaths(findClauses(page.text), open);
    const units = await pageUnits(page, clauses, target, splitter, options);
    const packed = pack(units, target, chunkTokens).flatMap((c) => enforceMax(page.text, c, options).map((s, i) => ({ ...s, kind: i === 0 ? c.kind : ("piece" as UnitKind) })));
    const spans = addOverlap(page.text, packed, options, (i) => startsClause(packed[i]!.kind));
    for (const [i, span] of spans.entries()) {
      const text = page.text.slice(span.start, span.end);
      // The section where the chunk's own text begins, not its overlap with the previous one.
      const own = packed[i]!.start;
      const headingPath = [...headingPathAt(page, own), ...clausePathAt(clauses, own, carried)];
      chunks.push({
        ordinal: chunks.length,
        page: page.number,
        headingPath,
        charStart: span.start,
        charEnd: span.end,
        tokenCount: countTokens(text),
        text,
        context: context ? fitHeader(contextHeader(context, headingPath), text, rawOptions.maxTokens, countTokens) : "",
      });
    }
  }
  return chunks;
}

/** The page cut at clause and section starts, each part into sentences, each oversized sentence into splitter pieces. */
async function pageUnits(
  page: ParsedPage,
  clauses: readonly Clause[],
  target: number,
  splitter: RecursiveCharacterTextSplitter,
  o: ChunkOptions,
): Promise<Unit[]> {
  const text = page.text;
  const kindAt = new Map<number, UnitKind>([[0, "section"]]);
  for (const c of clauses) kindAt.set(c.start, c.depth <= 1 ? "section" : "clause");
  for (const s of page.sections) kindAt.set(s.start, "section");
  const cuts = [...kindAt.keys()].filter((c) => c >= 0 && c < text.length).sort((a, b) => a - b);
  const units: Unit[] = [];
  for (const [i, from] of cuts.entries()) {
    const to = cuts[i + 1] ?? text.length;
    const starts = [from];
    for (const m of text.slice(from, to).matchAll(SENTENCE_END)) starts.push(from + m.index + m[0].length);
    for (const [j, s] of starts.entries()) {
      const span = trimSpan(text, s, starts[j + 1] ?? to);
      if (!span) continue;
      const kind: UnitKind = j === 0 ? kindAt.get(from)! : "sentence";
      const tokens = o.countTokens(text.slice(span.start, span.end));
      if (tokens <= target) {
        units.push({ ...span, kind, tokens });
        continue;
      }
      const piece = text.slice(span.start, span.end);
      const located = locateConsecutivePieces(piece, await splitter.splitText(piece));
      for (const [k, p] of located.entries()) {
        const at = { start: span.start + p.start, end: span.start + p.end };
        units.push({ ...at, kind: k === 0 ? kind : "piece", tokens: o.countTokens(text.slice(at.start, at.end)) });
      }
    }
  }
  return units;
}

function trimSpan(text: string, start: number, end: number): Span | null {
  while (start < end && isSpace(text[start])) start++;
  while (end > start && isSpace(text[end - 1])) end--;
  return end > start ? { start, end } : null;
}

/**
 * Greedy packing up to `target` tokens. A section (heading, top-level clause) starts a new chunk
 * unless the current one is still small. When the next unit does not fit, the chunk is cut at its
 * last clause start instead, if that keeps at least half a chunk before it.
 */
function pack(units: readonly Unit[], target: number, ceiling: number): (Span & { kind: UnitKind })[] {
  const out: (Span & { kind: UnitKind })[] = [];
  let cur: Unit[] = [];
  const sum = (us: readonly Unit[]) => us.reduce((s, u) => s + u.tokens, 0);
  const flush = (us: readonly Unit[]) => {
    if (us.length) out.push({ start: us[0]!.start, end: us.at(-1)!.end, kind: us[0]!.kind });
  };
  for (const u of units) {
    if (cur.length && u.kind === "section" && sum(cur) >= target * SECTION_FILL) {
      flush(cur);
      cur = [];
    } else if (cur.length && sum(cur) + u.tokens > target && !(sum(cur) < target * SECTION_FILL && sum(cur) + u.tokens <= ceiling)) {
      // (A still-small chunk may take the next unit up to the full chunk size rather than stand alone.)
      let j = -1;
      for (let k = cur.length - 1; k > 0; k--) {
        if (startsClause(cur[k]!.kind)) {
          if (sum(cur.slice(0, k)) >= target / 2) j = k;
          break;
        }
      }
      if (j > 0) {
        flush(cur.slice(0, j));
        cur = cur.slice(j);
        if (sum(cur) + u.tokens > target) {
          flush(cur);
          cur = [];
        }
      } else {
        flush(cur);
        cur = [];
      }
    }
    cur.push(u);
  }
  flush(cur);
  return out;
}

function clausePathAt(clauses: readonly { start: number; path: string[] }[], offset: number, before: string[]): string[] {
  let found = before;
  for (const c of clauses) {
    if (c.start > offset) break;
    found = c.path;
  }
  return [...found];
}

/** The header, shortened word by word until header and text fit the embedder's input together. */
function fitHeader(header: string, text: string, maxTokens: number, countTokens: (t: string) => number): string {
  let h = header;
  while (h && countTokens(`${h}\n\n${text}`) > maxTokens) h = h.replace(/\s*\S+$/, "");
  return h;
}

function headingPathAt(page: ParsedPage, offset: number): string[] {
  let found: string[] = [];
  for (const s of page.sections) {
    if (s.start <= offset && offset < s.end) return [...s.headingPath];
    if (s.start <= offset) found = s.headingPath;
  }
  return [...found];
}

const isSpace = (c: string | undefined) => c !== undefined && /\s/.test(c);

/**
 * Moves each chunk's start back to the earliest word start in the previous chunk
 * such that the repeated part stays within overlapTokens and the whole within maxTokens.
 */
export function addOverlap(text: string, spans: Span[], o: ChunkOptions, keepStart: (i: number) => boolean = () => false): Span[] {
  if (o.overlapTokens === 0) return spans;
  return spans.map((cur, i) => {
    if (i === 0 || keepStart(i)) return { start: cur.start, end: cur.end };
    const prev = spans[i - 1];
    const starts: number[] = [];
    // Never the previous chunk's own start: an overlap that swallows it whole repeats it.
    for (let p = prev.start + 1; p < Math.min(prev.end, cur.start); p++) {
      if (!isSpace(text[p]) && isSpace(text[p - 1])) starts.push(p);
    }
    const fits = (p: number) =>
      o.countTokens(text.slice(p, cur.start)) <= o.overlapTokens && o.countTokens(text.slice(p, cur.end)) <= o.maxTokens;
    // Both counts shrink as p moves right: binary search for the first start that fits.
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (fits(starts[mid])) hi = mid;
      else lo = mid + 1;
    }
    return lo < starts.length ? { start: starts[lo], end: cur.end } : { start: cur.start, end: cur.end };
  });
}

/** Splits a span whose text is over maxTokens: at the last whitespace that fits, else mid-word. */
export function enforceMax(text: string, span: Span, o: Pick<ChunkOptions, "countTokens" | "maxTokens">): Span[] {
  const count = (a: number, b: number) => o.countTokens(text.slice(a, b));
  if (count(span.start, span.end) <= o.maxTokens) return [span];
  const out: Span[] = [];
  let pos = span.start;
  while (pos < span.end) {
    while (pos < span.end && isSpace(text[pos])) pos++;
    if (pos >= span.end) break;
    if (count(pos, span.end) <= o.maxTokens) {
      out.push({ start: pos, end: span.end });
      break;
    }
    // Largest end that fits (token counts grow with length, near enough for a binary search).
    let lo = pos + 1;
    let hi = span.end;
    let best = pos;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (count(pos, mid) <= o.maxTokens) {
        best = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (best === pos) {
      throw new CairnError("internal:parse", `A single character counts more than ${o.maxTokens} tokens; cannot chunk.`, {
        reason: "chunk_too_large",
      });
    }
    // Never cut a surrogate pair; prefer the last whitespace so words stay whole.
    if (best < span.end && /[\uD800-\uDBFF]/.test(text[best - 1]) && best - 1 > pos) best--;
    let end = best;
    for (let i = best; i > pos; i--) {
      if (isSpace(text[i - 1])) {
        end = i - 1;
        break;
      }
    }
    if (end <= pos) end = best;
    let trimmed = end;
    while (trimmed > pos && isSpace(text[trimmed - 1])) trimmed--;
    out.push({ start: pos, end: trimmed > pos ? trimmed : end });
    pos = end;
  }
  return out;
}
