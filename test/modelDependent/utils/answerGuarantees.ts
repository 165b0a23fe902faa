import { expect } from "vitest";
import type { AskResult } from "@/lib/ask";
import type { ChatMessage } from "@/models/types";
import { promptPassage } from "./promptPassages";

// What Cairn guarantees about an answer whatever the model wrote: every marker left names a
// passage that was given, and resolves to it (file, page, offsets, quote); markers to passages
// that were not given are gone from the stream and the answer and listed as dropped; the final
// answer is the stream with the recorded changes only: markers added by wording, sentences
// withheld by verification — or, when Cairn refused, its own words with the refusal recorded.

/** Numbers named by the bracket markers in `text`: [1], [1, 2], [1;2], [1-3]. */
export function markerNumbersIn(text: string): number[] {
  const out: number[] = [];
  for (const m of text.matchAll(/\[\s*(\d+(?:\s*[-–,;]\s*\d+)*)\s*\]/g)) {
    for (const part of m[1]!.split(/[,;]/)) {
      const [a, b] = part.split(/[-–]/).map((x) => Number.parseInt(x.trim(), 10));
      if (b === undefined) out.push(a!);
      else for (let n = a!; n <= b && n - a! <= 20; n++) out.push(n);
    }
  }
  return out;
}

/** The answer as it was streamed: the final answer without the markers added by wording. */
export function withoutAttributed(r: Pick<AskResult, "answer" | "attributed">): string {
  let out = r.answer;
  for (const a of [...(r.attributed ?? [])].sort((x, y) => y.start - x.start)) {
    expect(out.slice(a.start - 1, a.end), "an added marker is ' [n]' at its recorded offsets").toBe(` [${a.n}]`);
    out = out.slice(0, a.start - 1) + out.slice(a.end);
  }
  return out;
}

export { promptPassage };

/** Without markers and whitespace: what a reader sees, for comparing stream and answer. */
const bare = (s: string) => s.replace(/\[\s*\d+(?:\s*[-–,;]\s*\d+)*\s*\]/g, "").replace(/\s+/g, "");

export interface GuaranteeInput {
  /** Everything onToken delivered, joined. */
  streamed: string;
  /** The text the model (recorded by recordingModel) handed to ask, markers and all. */
  raw?: string;
  /** The messages the model was given: each citation's passage must be the one shown to it as n. */
  messages?: ChatMessage[];
  /** The full text of a page (null for formats without pages), to find each quote at its offsets. */
  pageText?: (documentId: string, page: number | null) => string;
}

export function expectAnswerGuarantees(r: AskResult, input: GuaranteeInput): void {
  const given = new Map(r.retrieval.used.map((u) => [u.n, u.hit]));
  expect(given.size, "passage numbers are unique").toBe(r.retrieval.used.length);

  // Every marker left in the answer names a given passage, and the citations are exactly those.
  const inAnswer = markerNumbersIn(r.answer);
  for (const n of inAnswer) expect(given.has(n), `[${n}] in the answer was given`).toBe(true);
  expect(new Set(r.citations.map((c) => c.n))).toEqual(new Set(inAnswer));

  for (const c of r.citations) {
    const hit = given.get(c.n)!;
    expect(c).toMatchObject({
      chunkId: hit.id,
      documentId: hit.documentId,
      collectionId: hit.collectionId,
      fileName: hit.fileName ?? hit.documentId,
      page: hit.page,
      charStart: hit.charStart,
      charEnd: hit.charEnd,
      quote: hit.text,
    });
    if (input.pageText) expect(input.pageText(c.documentId, c.page).slice(c.charStart, c.charEnd), `quote of [${c.n}] on its page`).toBe(c.quote);
    if (input.messages) expect(promptPassage(input.messages, c.n), `passage shown to the model as ${c.n}`).toBe(c.quote);
  }

  // Markers to passages that were not given are listed as dropped, and are nowhere in what was shown.
  for (const d of r.dropped) expect(given.has(d.n), `dropped [${d.n}] was not given`).toBe(false);
  if (input.raw !== undefined) {
    const notGiven = markerNumbersIn(input.raw).filter((n) => !given.has(n));
    expect(r.dropped.map((d) => d.n).sort()).toEqual(notGiven.sort());
  }
  for (const n of markerNumbersIn(input.streamed)) expect(given.has(n), `[${n}] in the stream was given`).toBe(true);

  for (const a of r.attributed) expect(given.has(a.n)).toBe(true);
  expectAnswerFromStream(r, input.streamed, r.answerTokens > 0);
}

/** What the stream/answer relation needs: AskResult's fields, also carried by the route's done event. */
export type StreamedAnswer = Pick<AskResult, "answer" | "answered" | "refusal" | "withheld" | "attributed">;

/**
 * The final answer is the stream changed only as recorded: with no sentence withheld, exactly the
 * stream plus the markers added by wording; otherwise the stream without the withheld sentences.
 * A refusal is Cairn's own text (streamed as such when the model was never called).
 */
export function expectAnswerFromStream(r: StreamedAnswer, streamed: string, modelWrote: boolean): void {
  if (r.refusal) {
    expect(r.answered).toBe(false);
    if (!modelWrote) expect(streamed, "a refusal without the model is streamed as it is saved").toBe(r.answer);
    for (const w of r.withheld) expect(bare(streamed)).toContain(bare(w.text));
    return;
  }
  expect(r.answered).toBe(true);
  if (r.withheld.length === 0) {
    expect(streamed).toBe(withoutAttributed(r));
    return;
  }
  withoutAttributed(r); // checks the added markers' offsets
  let rest = bare(streamed);
  for (const w of r.withheld) {
    const at = rest.indexOf(bare(w.text));
    expect(at, `withheld "${w.text}" was streamed`).toBeGreaterThanOrEqual(0);
    rest = rest.slice(0, at) + rest.slice(at + bare(w.text).length);
  }
  expect(rest, "the answer is the stream without the withheld sentences").toBe(bare(r.answer));
}
