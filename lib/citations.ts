import type { PromptPassage, UsedPassage } from "./passageTypes";
import {
  CitationStreamFilter,
  findMarkers,
  markerRegex,
  rewriteMarkers,
  type DroppedCitation,
  type MarkerSpan,
} from "./utils/citationMarkers";
import { bestPassageByWording, DEFAULT_ATTRIBUTION, type AttributionOptions } from "./utils/attribution";
import { sentenceSpans, type TextSpan } from "./utils/sentences";

// After generation: map each [n] to the passage the model was given as n, drop
// citations to numbers it was not given, and find sentences that cite nothing.

export type { AttributionOptions, DroppedCitation, MarkerSpan, TextSpan };
export { DEFAULT_ATTRIBUTION };

/** A marker added after generation because the sentence's wording matches a passage the model did not cite. */
export interface WordingAttribution {
  n: number;
  /** Share of the sentence's content terms found in the passage. */
  coverage: number;
  /** Longest run of consecutive words the sentence shares with the passage. */
  sharedRun: number;
  /** Offsets of the added marker ("[n]") in the answer. */
  start: number;
  end: number;
}

/** Who put a marker in the answer: the model, or attribution by wording. */
export type MarkerOrigin = "model" | "wording";
export type ResolvedMarker = MarkerSpan & { origin: MarkerOrigin };

/** One cited passage: enough to open the file at the page and highlight the quote. */
export interface Citation {
  n: number;
  chunkId: string;
  documentId: string;
  collectionId: string;
  fileName: string;
  /** 1-based PDF page, or null for formats without pages. */
  page: number | null;
  headingPath: string;
  /** Offsets of the quote in the page text. */
  charStart: number;
  charEnd: number;
  /** The passage exactly as given to the model. */
  quote: string;
  /**
   * Page-text offsets of the sentence(s) of the passage that support the answer sentences citing
   * it (lib/supportSpans.ts); the whole passage when none matched. Set on finished answers.
   */
  supportStart?: number;
  supportEnd?: number;
}

export interface AnswerSentence extends TextSpan {
  /** Passage numbers cited by this sentence (including markers just after it). */
  citations: number[];
  supported: boolean;
}

export interface ResolvedAnswer {
  /** The answer with invalid citation markers removed and valid ones written canonically. */
  answer: string;
  /** Cited passages, by order of first citation. */
  citations: Citation[];
  dropped: DroppedCitation[];
  /** Every marker left in `answer`, with offsets, so the UI can link it. */
  markers: ResolvedMarker[];
  sentences: AnswerSentence[];
  /** Sentences that cite no passage: offsets into `answer`, for styling. */
  unsupportedSentences: TextSpan[];
  /** Markers added by attributeByWording (empty from resolveCitations). */
  attributed: WordingAttribution[];
}

export function citationFor(n: number, hit: PromptPassage): Citation {
  return {
    n,
    chunkId: hit.id,
    documentId: hit.documentId,
    collectionId: hit.collectionId,
    fileName: hit.fileName ?? hit.documentId,
    page: hit.page,
    headingPath: hit.headingPath,
    charStart: hit.charStart,
    charEnd: hit.charEnd,
    quote: hit.text,
  };
}

const hasWords = (s: string) => /[\p{L}\p{N}]/u.test(s);

/** Sentences of `answer` with the passages each cites. Markers opening a sentence belong to the one before. */
function citeSentences(answer: string, markers: MarkerSpan[]): AnswerSentence[] {
  const out: AnswerSentence[] = [];
  for (const span of sentenceSpans(answer)) {
    const inside = markers.filter((m) => m.start >= span.start && m.end <= span.end);
    // Markers at the very start of a sentence (only whitespace between them).
    let pos = span.start;
    const leading: MarkerSpan[] = [];
    for (const m of inside) {
      if (answer.slice(pos, m.start).trim() !== "") break;
      leading.push(m);
      pos = m.end;
    }
    const prev = out[out.length - 1];
    const own = prev ? inside.filter((m) => !leading.includes(m)) : inside;
    if (prev) {
      for (const m of leading) prev.citations.push(...m.numbers);
      prev.supported = prev.citations.length > 0;
    }
    if (!hasWords(span.text.replace(markerRegex(), ""))) continue;
    const rest = answer.slice(prev ? pos : span.start, span.end);
    const startAt = span.end - rest.trimStart().length;
    const citations = own.flatMap((m) => m.numbers);
    out.push({ start: startAt, end: span.end, text: answer.slice(startAt, span.end), citations, supported: citations.length > 0 });
  }
  for (const s of out) s.citations = [...new Set(s.citations)];
  return out;
}

export function resolveCitations(answerText: string, used: readonly UsedPassage[]): ResolvedAnswer {
  const byNumber = new Map(used.map((u) => [u.n, u.hit]));
  const dropped: DroppedCitation[] = [];
  const answer = rewriteMarkers(answerText, new Set(byNumber.keys()), dropped);
  return { ...analyse(answer, byNumber, []), dropped };
}

/** Markers, citations and sentences of an answer whose markers are all valid. */
function analyse(answer: string, byNumber: Map<number, PromptPassage>, attributed: WordingAttribution[]): Omit<ResolvedAnswer, "dropped"> {
  const added = new Set(attributed.map((a) => a.start));
  const markers = findMarkers(answer).map((m): ResolvedMarker => ({ ...m, origin: added.has(m.start) ? "wording" : "model" }));
  const citations: Citation[] = [];
  const seen = new Set<number>();
  for (const n of markers.flatMap((m) => m.numbers)) {
    if (seen.has(n)) continue;
    seen.add(n);
    citations.push(citationFor(n, byNumber.get(n)!));
  }
  const sentences = citeSentences(answer, markers);
  const unsupportedSentences = sentences.filter((s) => !s.supported).map(({ start, end, text }) => ({ start, end, text }));
  return { answer, citations, markers, sentences, unsupportedSentences, attributed };
}

/** Where a marker goes in a sentence: before its closing punctuation, as the model is taught ("… 4471 [2]."). */
function markerPosition(sentence: string): number {
  const m = /[.!?…:;]*["'”’)\]]*$/u.exec(sentence);
  return m ? m.index : sentence.length;
}

/**
 * Credits each sentence that cites nothing to the given passage its wording comes from
 * (see lib/utils/attribution), by adding a marker at the sentence end. The added markers are
 * listed in `attributed` and have origin "wording": the UI shows them as not cited by the model.
 */
export function attributeByWording(
  resolved: ResolvedAnswer,
  used: readonly UsedPassage[],
  options: AttributionOptions = DEFAULT_ATTRIBUTION,
): ResolvedAnswer {
  const passages = used.map((u) => ({ n: u.n, text: u.hit.text }));
  const inserts: { at: number; n: number; coverage: number; sharedRun: number }[] = [];
  for (const s of resolved.sentences) {
    if (s.supported) continue;
    const match = bestPassageByWording(s.text, passages, options);
    if (match) inserts.push({ at: s.start + markerPosition(s.text), ...match });
  }
  if (inserts.length === 0) return resolved;
  let answer = "";
  let from = 0;
  const attributed: WordingAttribution[] = [];
  for (const ins of inserts) {
    answer += resolved.answer.slice(from, ins.at);
    const start = answer.length + 1;
    answer += ` [${ins.n}]`;
    attributed.push({ n: ins.n, coverage: ins.coverage, sharedRun: ins.sharedRun, start, end: answer.length });
    from = ins.at;
  }
  answer += resolved.answer.slice(from);
  const byNumber = new Map(used.map((u) => [u.n, u.hit]));
  return { ...analyse(answer, byNumber, attributed), dropped: resolved.dropped };
}

/** A sentence whose stated values are in a given passage other than the one(s) it cites. */
export interface Recitation {
  sentence: AnswerSentence;
  n: number;
  coverage: number;
}

/**
 * Moves each sentence's citation to the passage that holds what it states: its own markers go
 * (listed in `recited` by the caller) and a marker to that passage is added by wording, shown as
 * not cited by the model. Markers right after the sentence that belong to it go too.
 */
export function reciteSentences(resolved: ResolvedAnswer, recitations: readonly Recitation[], used: readonly UsedPassage[]): ResolvedAnswer {
  if (recitations.length === 0) return resolved;
  const text = resolved.answer;
  const edits: { start: number; end: number; insert: string; n?: number; coverage?: number }[] = [];
  for (const r of recitations) {
    const s = r.sentence;
    for (const m of resolved.markers) {
      const inside = m.start >= s.start && m.end <= s.end;
      const trailing = m.start >= s.end && /^[\s[\]\d,;\-–.]*$/.test(text.slice(s.end, m.start)) && !resolved.sentences.some((o) => o.start > s.start && o.start <= m.start);
      if (!inside && !trailing) continue;
      let start = m.start;
      while (start > 0 && /[ \t]/.test(text[start - 1])) start--;
      // "… per month. [1]." — the stop after a trailing marker repeats the sentence's own.
      const end = trailing && /[.!?]$/.test(s.text) && /[.!?]/.test(text[m.end] ?? "") ? m.end + 1 : m.end;
      edits.push({ start, end, insert: "" });
    }
    edits.push({ start: s.start + markerPosition(s.text), end: s.start + markerPosition(s.text), insert: ` [${r.n}]`, n: r.n, coverage: r.coverage });
  }
  edits.sort((a, b) => a.start - b.start || b.end - b.start - (a.end - a.start));
  let answer = "";
  let from = 0;
  const attributed: WordingAttribution[] = [];
  const moves: { at: number; delta: number }[] = [];
  for (const e of edits) {
    if (e.start < from) continue;
    answer += text.slice(from, e.start);
    if (e.n !== undefined) {
      attributed.push({ n: e.n, coverage: e.coverage ?? 0, sharedRun: 0, start: answer.length + 1, end: answer.length + e.insert.length });
    }
    answer += e.insert;
    moves.push({ at: e.end, delta: e.insert.length - (e.end - e.start) });
    from = e.end;
  }
  answer += text.slice(from);
  const moved = (pos: number) => pos + moves.filter((m) => m.at <= pos).reduce((sum, m) => sum + m.delta, 0);
  const removed = new Set(edits.filter((e) => e.insert === "").map((e) => e.end));
  const kept = resolved.attributed.filter((a) => !removed.has(a.end)).map((a) => ({ ...a, start: moved(a.start), end: moved(a.end) }));
  const byNumber = new Map(used.map((u) => [u.n, u.hit]));
  return { ...analyse(answer, byNumber, [...kept, ...attributed].sort((a, b) => a.start - b.start)), dropped: resolved.dropped };
}

/**
 * The answer without the given spans (whole sentences, with the whitespace after them).
 * Markers added by wording keep their origin: their offsets move with the text.
 */
export function removeSpans(resolved: ResolvedAnswer, spans: readonly { start: number; end: number }[], used: readonly UsedPassage[]): ResolvedAnswer {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  let answer = "";
  let from = 0;
  const shift: { at: number; by: number }[] = [];
  for (const s of sorted) {
    let end = s.end;
    while (end < resolved.answer.length && /[ \t]/.test(resolved.answer[end])) end++;
    answer += resolved.answer.slice(from, s.start);
    shift.push({ at: s.start, by: end - s.start });
    from = end;
  }
  answer += resolved.answer.slice(from);
  const moved = (pos: number) => pos - shift.filter((x) => x.at <= pos).reduce((sum, x) => sum + x.by, 0);
  const inside = (pos: number) => sorted.some((s) => pos >= s.start && pos < s.end);
  const attributed = resolved.attributed
    .filter((a) => !inside(a.start))
    .map((a) => ({ ...a, start: moved(a.start), end: moved(a.end) }));
  const byNumber = new Map(used.map((u) => [u.n, u.hit]));
  return { ...analyse(answer.trimEnd(), byNumber, attributed), dropped: resolved.dropped };
}

/** For streaming: removes invalid markers from tokens as they arrive (same rule as resolveCitations). */
export function createCitationStreamFilter(used: readonly UsedPassage[]): CitationStreamFilter {
  return new CitationStreamFilter(new Set(used.map((u) => u.n)));
}
