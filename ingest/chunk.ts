import { RecursiveCharacterTextSplitter } from "@langchain/textsplitters";
import { CairnError } from "@/core/errors";
import type { ChunkDraft, ParsedDocument, ParsedPage } from "./types";
import { locateConsecutivePieces, type Span } from "./utils/locatePieces";

// Pages → chunks sized in the embedder's tokens. LangChain's recursive splitter
// picks the cut points (paragraph, then line, then word; characters only for a
// "word" longer than a chunk). It runs without overlap so its pieces map back to
// exact page offsets; anything over maxTokens is re-split (the embedder would
// truncate it); then each chunk is extended back over whole words of the previous
// one for the overlap.

export interface ChunkOptions {
  /** The embedder's token count for a text, without special tokens. */
  countTokens: (text: string) => number;
  /** Hard ceiling per chunk (the embedder's input limit). */
  maxTokens: number;
  /** Target size. */
  chunkTokens: number;
  overlapTokens: number;
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

/** Chunks never span pages: each page is split on its own, so every chunk cites one page. */
export async function chunkDocument(doc: ParsedDocument, rawOptions: ChunkOptions): Promise<ChunkDraft[]> {
  validate(rawOptions);
  // LangChain measures the same split several times (split, merge, overlap); the real
  // tokenizer is not free, so remember counts (per call, bounded).
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
  const options = { ...rawOptions, countTokens };
  const splitter = new RecursiveCharacterTextSplitter({
    // The overlap added afterwards brings chunks back up to about chunkTokens.
    chunkSize: options.chunkTokens - options.overlapTokens,
    chunkOverlap: 0,
    lengthFunction: options.countTokens,
  });
  const chunks: ChunkDraft[] = [];
  for (const page of doc.pages) {
    if (!page.text.trim()) continue;
    const pieces = await splitter.splitText(page.text);
    const cut = locateConsecutivePieces(page.text, pieces).flatMap((span) => enforceMax(page.text, span, options));
    const spans = addOverlap(page.text, cut, options);
    for (const [i, span] of spans.entries()) {
      const text = page.text.slice(span.start, span.end);
      chunks.push({
        ordinal: chunks.length,
        page: page.number,
        // The section where the chunk's own text begins, not its overlap with the previous one.
        headingPath: headingPathAt(page, cut[i].start),
        charStart: span.start,
        charEnd: span.end,
        tokenCount: options.countTokens(text),
        text,
      });
    }
  }
  return chunks;
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
export function addOverlap(text: string, spans: Span[], o: ChunkOptions): Span[] {
  if (o.overlapTokens === 0) return spans;
  return spans.map((cur, i) => {
    if (i === 0) return cur;
    const prev = spans[i - 1];
    const starts: number[] = [];
    for (let p = prev.start; p < Math.min(prev.end, cur.start); p++) {
      if (!isSpace(text[p]) && (p === prev.start || isSpace(text[p - 1]))) starts.push(p);
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
    return lo < starts.length ? { start: starts[lo], end: cur.end } : cur;
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
