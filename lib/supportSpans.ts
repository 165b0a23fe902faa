import type { Citation } from "./citations";
import type { VerifiedSentence } from "./verifyAnswer";

// A citation points at a ~256-token passage; the answer sentence citing it usually rests on one
// sentence of it. Verification already found the words each verified sentence shares with the
// passage (VerifiedSentence.support, page-text offsets); here they are widened to the passage's
// sentence(s) holding them, so the viewer can mark those words strongly and the rest of the
// passage faintly. No matching words: the support is the whole passage.

export interface SupportRange {
  /** Page-text offsets (like charStart/charEnd) of the supporting sentence(s). */
  supportStart: number;
  supportEnd: number;
}

// A sentence ends at . ! ? (not after a digit: "4." is a clause number) before a capital, digit or
// opening quote; a lettered item "(a) " starts one too. As the chunker cuts (ingest/chunk.ts).
const SENTENCE_BREAK = /(?<=[^\s\d.][.!?]["”’)\]]*)\s+(?=["“([]?[A-Z0-9])|\s+(?=\((?:[a-z]|[ivx]{1,4})\)\s)/g;

/** Sentences of a passage, across its line breaks (PDF text breaks every line), trimmed. */
export function passageSentences(text: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  let from = 0;
  const push = (a: number, b: number) => {
    while (a < b && /\s/.test(text[a]!)) a++;
    while (b > a && /\s/.test(text[b - 1]!)) b--;
    if (b > a) out.push({ start: a, end: b });
  };
  for (const m of text.matchAll(SENTENCE_BREAK)) {
    push(from, m.index);
    from = m.index + m[0].length;
  }
  push(from, text.length);
  return out;
}

/**
 * The run of consecutive passage sentences around the one holding most support words (each
 * sentence of the run holding some), as page-text offsets; the whole passage when no word falls in it.
 */
export function supportRange(passage: Pick<Citation, "charStart" | "charEnd" | "quote">, words: readonly { charStart: number; charEnd: number }[]): SupportRange {
  const whole = { supportStart: passage.charStart, supportEnd: passage.charEnd };
  const inside = words.filter((w) => w.charStart >= passage.charStart && w.charEnd <= passage.charEnd && w.charEnd > w.charStart);
  if (inside.length === 0) return whole;
  const sentences = passageSentences(passage.quote);
  const counts = sentences.map((s) => inside.filter((w) => w.charStart - passage.charStart < s.end && w.charEnd - passage.charStart > s.start).length);
  let best = 0;
  for (let i = 1; i < counts.length; i++) if (counts[i]! > counts[best]!) best = i;
  if (!counts[best]) return whole;
  let from = best;
  let to = best;
  while (from > 0 && counts[from - 1]! > 0) from--;
  while (to + 1 < counts.length && counts[to + 1]! > 0) to++;
  return { supportStart: passage.charStart + sentences[from]!.start, supportEnd: passage.charStart + sentences[to]!.end };
}

/** Each citation with the supporting sentence(s) of the verified answer sentences citing it. */
export function withSupport<T extends Citation>(citations: readonly T[], sentences: readonly VerifiedSentence[] | undefined): (T & SupportRange)[] {
  return citations.map((c) => {
    const words = (sentences ?? []).filter((s) => s.verdict === "verified").flatMap((s) => s.support.filter((sp) => sp.n === c.n));
    return { ...c, ...supportRange(c, words) };
  });
}
