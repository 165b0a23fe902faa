import { eng } from "stopword";
import { alternativesOf, isEverydayWord, isQuestionShape } from "./lexicon";
import { markerRegex } from "./citationMarkers";
import { clauseTerms, containsTerm, focusTerm, questionTerms, type QuestionTerm } from "./answerability";
import { passageSentences, usuallyVerb } from "./passageAnswer";
import { flippedPolarity } from "./polarity";
import { findPhrase, indexWords, textWords, wordPositions, type TextWord, type WordIndex } from "./textWords";

// Is what a sentence states in the passage it cites? A sentence's claims are the figures it
// states (numbers, doses, dates, durations, amounts, percentages — with the unit that follows
// them) and its names and rare terms (capitalised words, words that are not everyday English).
// All must occur in the cited passages, after the same normalisation ("ten (10) days" = "10 days";
// "b.i.d." = "twice daily" only through lexicon's explicit list), and most of its other content
// words too. A claim that no given passage contains at all is an invention: the sentence is withheld.

/** "other_document": what it states is in its cited passage, but that passage is not from the document the question names. */
export type SentenceVerdict = "verified" | "not_in_cited" | "other_document" | "uncited";

export interface SupportSpan {
  /** Passage number. */
  n: number;
  /** Offsets into the passage text. */
  start: number;
  end: number;
}

export interface ClaimCheck {
  verdict: SentenceVerdict;
  /** Claims the sentence states, as written. */
  claims: string[];
  /** Claims not found in its cited passages. */
  missingClaims: string[];
  /** Figures, names and rare terms found in no given passage (names and terms: nor in the question). */
  invented: string[];
  /** A word pair of the sentence whose negated twin is what its cited passage says ("continue aspirin" for "discontinue aspirin"). */
  opposite: string | null;
  /** The sentence says nothing: "The password is [1]." */
  incomplete: boolean;
  /** Where the cited passages hold the sentence's words (verified sentences only). */
  support: SupportSpan[];
}

export interface CheckPassage {
  n: number;
  /** Passages of one document vouch for the names the question itself gives ("the SMSA Ballinger agreement"). */
  documentId?: string;
  text: string;
  /** Extra text the passage is known by (file name, heading): names count there, offsets don't. */
  label?: string;
  /**
   * The whole chunk, when `text` is the part of it the model was given (a first-token budget):
   * it vouches only for names the question gives — whether the document has them — never for a claim.
   */
  whole?: string;
  /**
   * The text of the document just before this passage, from a given passage it continues (chunks overlap):
   * the start of the paragraph the passage opens in the middle of. It vouches only for a clause's name.
   */
  before?: string;
}

/** Share of a sentence's plain content words its cited passages must hold. */
export const MIN_WORD_COVERAGE = 0.5;

const UNIT_WORDS = new Set(
  ["mg", "mcg", "g", "kg", "ml", "l", "cc", "unit", "units", "iu", "meq", "mmhg", "percent", "day", "days", "week", "weeks", "month", "months", "year", "years",
    "hour", "hours", "minute", "minutes", "second", "business", "working", "calendar", "dollar", "dollars", "cent", "cents", "mile", "miles", "km", "cm", "mm",
    "v", "kw", "kwh", "nm", "kpa", "psi", "bar", "time", "times", "share", "shares", "million", "billion"].map((w) => textWords(w)[0]!.w),
);
const STOP = new Set(eng);
/** A sentence ending on one of these stopped before saying anything. */
const DANGLING = new Set(["is", "are", "was", "were", "be", "been", "the", "a", "an", "of", "to", "for", "by", "with", "and", "or", "at", "in", "on", "as", "that", "than"]);

const WH_QUESTION = /\b(?:what|which|who|whom|whose|when|where|why|how)\b/i;

export const stripMarkers = (s: string) => s.replace(markerRegex(), "");

interface Claim {
  surface: string;
  /** A figure: the number, and the unit word after it when there is one; `reference` when the sentence says it as a section's number. */
  figure?: { value: string; unit?: string; reference?: boolean };
  /** A name or rare term: its alternatives. */
  term?: string[][];
  /** Capitalised inside the sentence: a name. */
  name?: boolean;
  /** Word position in the sentence. */
  at: number;
}

/** The word after a number that says what it counts ("1 user", "81 traces", "20 fractions"), or undefined. */
function unitAfter(sentence: string, words: readonly TextWord[], i: number): string | undefined {
  const next = words[i + 1];
  const nextRaw = next ? sentence.slice(next.start, next.end).toLowerCase() : "";
  return next && (UNIT_WORDS.has(next.w) || (/^\p{L}{2,}$/u.test(nextRaw) && !STOP.has(nextRaw))) ? next.w : undefined;
}

function claimsOf(sentence: string, words: TextWord[], phrasing: ReadonlySet<string>): Claim[] {
  const out: Claim[] = [];
  const seen = new Set<string>();
  // A bare answer ("California.") is all claim, capitalised first word included.
  const bare = words.length <= 3;
  words.forEach((w, i) => {
    const surface = sentence.slice(w.start, w.end);
    if (/^\d/.test(w.w)) {
      // The word after a number says what it counts ("1 user", "81 traces"): it must follow the number in the passage too.
      const unit = unitAfter(sentence, words, i);
      const k = `#${w.w} ${unit ?? ""}`;
      const reference = i > 0 && REFERENCE_WORDS.has(words[i - 1].w);
      if (!seen.has(k)) out.push({ surface: unit ? sentence.slice(w.start, words[i + 1].end) : surface, figure: { value: w.w, unit, reference }, at: i });
      seen.add(k);
      return;
    }
    const lower = surface.toLowerCase();
    if (STOP.has(lower) || lower.length < 2 || UNIT_WORDS.has(w.w)) return;
    const capitalised = (i > 0 || bare) && /^\p{Lu}/u.test(surface);
    if (!capitalised && isEverydayWord(w.w)) return;
    // The model speaking of its sources ("The passage states: …") claims nothing about them.
    if (SOURCE_WORDS.has(w.w)) return;
    // A question word the answerability gate judged phrasing ("largest", "anticoagulant") is not a claim.
    if (!capitalised && phrasing.has(w.w)) return;
    const k = `@${w.w}`;
    if (!seen.has(k)) out.push({ surface, term: alternativesOf([w.w]), name: capitalised, at: i });
    seen.add(k);
  });
  return out;
}

const SOURCE_WORDS = new Set(["passage", "passages", "excerpt", "excerpts", "context"].map((w) => textWords(w)[0]!.w));

/** Words that make the number after them a reference to a part of the document ("Section 5.01"), not a value. */
const REFERENCE_WORDS = new Set(["section", "sections", "article", "articles", "clause", "clauses", "paragraph", "schedule", "exhibit", "page", "§"].map((w) => textWords(w)[0]?.w ?? w));

/** The number at word i numbers a part of the text: after "Section", or a heading's number at the start of a line ("5.01.  Products Warranty"). */
function isEnumerator(index: WordIndex, i: number): boolean {
  const prev = index.words[i - 1];
  if (prev && REFERENCE_WORDS.has(prev.w)) return true;
  const text = index.text;
  if (text === undefined) return false;
  const lineStart = text.lastIndexOf("\n", index.words[i].start - 1) + 1;
  return /^\s*$/.test(text.slice(lineStart, index.words[i].start)) && /^\.?\)?\s+\p{Lu}/u.test(text.slice(index.words[i].end, index.words[i].end + 40));
}

/**
 * A figure is stated when the number occurs and, if it has a unit, that unit follows within three words.
 * A bare number must be a value there, not a section's or heading's number — unless the sentence too
 * says it as a reference ("under Section 5.01"). `loose` counts any occurrence (to tell misread from invented).
 */
function findFigure(index: WordIndex, f: { value: string; unit?: string; reference?: boolean }, loose = false): { start: number; end: number } | null {
  for (const i of index.at.get(f.value) ?? []) {
    if (!f.unit && !loose && !f.reference && isEnumerator(index, i)) continue;
    if (!f.unit) return { start: index.words[i].start, end: index.words[i].end };
    const units = new Set(alternativesOf([f.unit]).filter((a) => a.length === 1).map((a) => a[0]));
    for (let k = 1; k <= 3; k++) {
      const w = index.words[i + k];
      if (w && units.has(w.w)) return { start: index.words[i].start, end: w.end };
    }
  }
  return null;
}

function findClaim(index: WordIndex, c: Claim, loose = false): { start: number; end: number } | null {
  if (c.figure) return findFigure(index, c.figure, loose);
  for (const alt of c.term!) {
    const at = findPhrase(index, alt);
    if (at) return at;
  }
  return null;
}

interface PreparedPassage {
  n: number;
  documentId?: string;
  raw: string;
  text: WordIndex;
  label: WordIndex;
  whole: WordIndex | null;
  before: string;
}

export function preparePassages(passages: readonly CheckPassage[]): PreparedPassage[] {
  return passages.map((p) => ({
    n: p.n,
    documentId: p.documentId,
    raw: p.text,
    text: indexWords(p.text),
    label: indexWords(p.label ?? ""),
    whole: p.whole === undefined ? null : indexWords(p.whole),
    before: p.before ?? "",
  }));
}

/** Checks one answer sentence (markers included or not) against the passages it cites. */
export function checkSentence(
  sentence: string,
  cited: readonly number[],
  passages: readonly PreparedPassage[],
  question = "",
  phrasing: ReadonlySet<string> = new Set(),
): ClaimCheck {
  const plain = stripMarkers(sentence);
  const words = textWords(plain);
  const questionIndex = indexWords(question);
  // A word that only shapes the question ("smallest", "maximum"), restated in the answer, is the question's phrasing.
  const shaping = new Set([...phrasing, ...questionIndex.words.map((w) => w.w).filter((w) => isQuestionShape([w]))]);
  const claims = claimsOf(plain, words, shaping);
  const questionNames = questionNameRuns(plain, words, questionIndex);
  const lastWord = plain.replace(/[\s.!?…:;,"'”’)\]]+$/u, "").split(/\s+/).pop()?.toLowerCase() ?? "";
  // "What size tear was made?" → "The size tear was made [1]." restates the question: nothing was answered.
  // Words that only shape a question ("used", "given") restate it too: "The needle was used to cannulate the artery."
  const echoes =
    WH_QUESTION.test(question) && words.every((w) => STOP.has(plain.slice(w.start, w.end).toLowerCase()) || questionIndex.at.has(w.w) || isQuestionShape([w.w]));
  // A question is not an answer ("Within how many days must … pay? [1]").
  const incomplete = words.length === 0 || DANGLING.has(lastWord) || /[:?]\s*$/.test(plain.trim()) || echoes;
  // A rare term counts like a name: "diabetes" in an answer about an Alzheimer report that never says it.
  // The question's own words are the user's, not the model's invention.
  const invented = claims
    .filter((c) => !passages.some((p) => findClaim(p.text, c, true) || (c.term && findClaim(p.label, c))))
    .filter((c) => c.figure || !findClaim(questionIndex, c))
    .map((c) => c.surface);

  const citedPassages = passages.filter((p) => cited.includes(p.n));
  // Every word may be in the passage while the sentence says the opposite of it ("continue aspirin" / "discontinue aspirin").
  const opposite = (citedPassages.length > 0 ? citedPassages : passages).map((p) => flippedPolarity(plain, p.raw)).find((x) => x !== null) ?? null;
  if (citedPassages.length === 0) return { verdict: "uncited", claims: claims.map((c) => c.surface), missingClaims: [], invented, opposite, incomplete, support: [] };

  const support: SupportSpan[] = [];
  const missingClaims: string[] = [];
  /** Claims found only in another passage of the cited passage's document. */
  const elsewhere: Claim[] = [];
  for (const c of claims) {
    let found = false;
    for (const p of citedPassages) {
      const at = findClaim(p.text, c);
      if (at) {
        support.push({ n: p.n, ...at });
        found = true;
        break;
      }
      if (c.term && findClaim(p.label, c)) {
        found = true;
        break;
      }
    }
    // A name the question gives, restated — or written out in full ("Inde Living Holdings, Inc." for the
    // question's "Inde Living"): enough that the cited passage's document has it.
    if (!found && c.term && (findClaim(questionIndex, c) || (c.name && questionNames.has(c.at)))) {
      const docs = new Set(citedPassages.map((p) => p.documentId).filter((d) => d !== undefined));
      found = passages.some(
        (p) => p.documentId !== undefined && docs.has(p.documentId) && (findClaim(p.text, c) || findClaim(p.label, c) || (p.whole !== null && findClaim(p.whole, c))),
      );
      if (found) elsewhere.push(c);
    }
    if (!found) missingClaims.push(c.surface);
  }
  // A figure is said of something. When the question's words for it ("the first obtuse marginal branch"), restated,
  // are not in the passage giving the figure, while another given passage of the document says them in one sentence
  // with what the question asks about and a figure, that sentence measures it: the LAD's 90% is not the marginal
  // branch's 70%. Words that only identify the document ("the hemangioblastoma patient") have no such rival.
  const askedAbout = question ? focusTerm(question, questionTerms(question)) : null;
  if (askedAbout && claims.some((c) => c.figure && !missingClaims.includes(c.surface))) {
    const docs = new Set(citedPassages.map((p) => p.documentId).filter((d) => d !== undefined));
    const others = passages.filter((p) => !cited.includes(p.n) && p.documentId !== undefined && docs.has(p.documentId));
    for (const c of elsewhere) {
      if (c.name) continue;
      const rival = others.some((p) =>
        passageSentences(p.raw).some((s) => {
          const index = indexWords(s.text);
          return findClaim(index, c) !== null && containsTerm(index, askedAbout) && index.words.some((w) => /^\d/.test(w.w));
        }),
      );
      if (rival) missingClaims.push(c.surface);
    }
  }

  // What a sentence states about what the question asks — a figure, a name the question does not give —
  // must stand near it in the passage: a 30 from the same passage's payment clause is not the notice
  // period, and "a Nevada corporation" in the preamble is not the governing law.
  const focus = question ? focusTerm(question, questionTerms(question)) : null;
  const stated = claims.filter((c) => !missingClaims.includes(c.surface) && (c.figure || (c.name && !findClaim(questionIndex, c))));
  if (focus && stated.length > 0 && containsTerm(indexWords(plain), focus)) {
    const beside = stated.some((c) => citedPassages.some((p) => nearFocus(p.text, c, focus)));
    if (!beside) for (const c of stated) missingClaims.push(c.surface);
    // Beside the focus, but in the wrong clause: another sentence of the cited passage holds the focus and
    // more of the question's conditions ("for any reason", "after the Initial Term") with another figure of
    // the same unit. The 30 days of the breach clause is not the 90 days of termination for convenience.
    else {
      const conditions = conditionTerms(question, focus, citedPassages);
      for (const c of stated) if (c.figure?.unit && conditions.length > 0 && inRivalClause(c.figure as { value: string; unit: string }, focus, conditions, citedPassages)) missingClaims.push(c.surface);
    }
  }

  // A clause type the question asks about ("How often may the Licensor audit …") is what the answer is
  // about: said in the sentence, the cited passage must say it; and what the sentence states must stand
  // beside it there — "once every 24 months" of a post-termination clause is no audit frequency.
  if (question) {
    const sentenceIndex = indexWords(plain);
    for (const t of clauseTerms(questionTerms(question))) {
      if (focus && t.key === focus.key) continue;
      const inCited = citedPassages.some((p) => containsTerm(p.text, t) || containsTerm(p.label, t) || paragraphHolds(p, t));
      if (!inCited && containsTerm(sentenceIndex, t)) missingClaims.push(t.surface);
      // A passage under that clause's heading ("Confidentiality") is the clause: beside it throughout; so is
      // the rest of a paragraph that names it ("12. Confidentiality. … The terms of this Paragraph shall survive … three (3) years").
      else if (
        stated.length > 0 &&
        !stated.some((c) => citedPassages.some((p) => nearFocus(p.text, c, t) || (containsTerm(p.label, t) && findClaim(p.text, c)) || paragraphHolds(p, t, c)))
      ) {
        for (const c of stated) if (!missingClaims.includes(c.surface)) missingClaims.push(c.surface);
      }
    }
  }

  // Two figures the sentence states as one ("3600 cGy in 28 fractions") must stand together in a cited
  // passage: its "5040 cGy in 28 fractions" and "3600 cGy in 20 fractions" hold both, but not the pair.
  for (const pair of figurePairs(plain, words)) {
    if (missingClaims.includes(pair.a.surface) || missingClaims.includes(pair.b.surface)) continue;
    if (!citedPassages.some((p) => pairInPassage(p.text, pair))) missingClaims.push(plain.slice(pair.from, pair.to));
  }

  // The rest of its content words: most must be in the cited passages too.
  const claimWords = new Set(claims.flatMap((c) => (c.figure ? [c.figure.value, c.figure.unit ?? ""] : c.term![0])));
  const plainWords = [...new Set(words.filter((w) => !STOP.has(plain.slice(w.start, w.end).toLowerCase()) && w.w.length > 1 && !claimWords.has(w.w)).map((w) => w.w))];
  let covered = 0;
  for (const w of plainWords) {
    const alts = alternativesOf([w]);
    const p = citedPassages.find((cp) => alts.some((a) => findPhrase(cp.text, a) || findPhrase(cp.label, a)));
    if (!p) continue;
    covered++;
    const at = alts.map((a) => findPhrase(p.text, a)).find(Boolean);
    if (at) support.push({ n: p.n, ...at });
  }
  // The claims carry what a sentence says; its other words are connective paraphrase ("taken … by mouth"
  // for "p.o."). The fewer claims it has, the more of those words must come from the passage.
  const found = claims.length - missingClaims.length;
  const needed = found >= 2 ? 0 : found === 1 ? MIN_WORD_COVERAGE / 2 : MIN_WORD_COVERAGE;
  // A sentence stating nothing specific ("X is a common condition that affects memory") is vouched for by
  // its words only where they stand together: in one sentence of a cited passage, not scattered over it.
  const coverageOk =
    plainWords.length < 3 ||
    (covered / plainWords.length >= needed && (claims.length > 0 || bestSentenceCoverage(plainWords, citedPassages) >= MIN_WORD_COVERAGE));
  if (opposite) missingClaims.push(opposite);
  // A sentence whose only claims are the question's own names answers in plain words ("… on the business day
  // following transmission"). Those words and the question's conditions it restates ("sent by registered mail")
  // must stand in one clause of a cited passage: the fax rule of the clause before is not the registered mail's.
  const ownClaims = claims.filter((c) => c.figure || !findClaim(questionIndex, c));
  if (question && focus && ownClaims.length === 0 && missingClaims.length === 0) {
    const sentenceIndex = indexWords(plain);
    // Not an auxiliary ("may"), nor an everyday verb said in other words ("carry out" — "conduct").
    const restated = conditionTerms(question, focus, citedPassages).filter(
      (t) => !t.key.includes(" ") && !STOP.has(t.surface.toLowerCase()) && !MODAL.has(t.surface.toLowerCase()) && !(usuallyVerb(t.surface) && isEverydayWord(t.key)) && containsTerm(sentenceIndex, t),
    );
    const answering = plainWords.filter((w) => !questionIndex.at.has(w) && !isQuestionShape([w]));
    if (restated.length > 0 && answering.length >= 2 && !conditionsInOneClause(restated, answering, citedPassages)) missingClaims.push(...restated.map((t) => t.surface));
  }
  const verified = missingClaims.length === 0 && coverageOk && !incomplete && claims.length + plainWords.length > 0;
  return {
    verdict: verified ? "verified" : "not_in_cited",
    claims: claims.map((c) => c.surface),
    missingClaims,
    invented,
    opposite,
    incomplete,
    support: verified ? mergeSpans(support) : [],
  };
}

/**
 * Word positions of the sentence's capitalised runs ("Inde Living Holdings, Inc.") that hold a
 * capitalised word of the question: the question's name, as the document writes it in full.
 */
function questionNameRuns(sentence: string, words: readonly TextWord[], question: WordIndex): Set<number> {
  const out = new Set<number>();
  const capitalised = (i: number) => /^\p{Lu}/u.test(sentence.slice(words[i].start, words[i].end));
  const namedInQuestion = (i: number) =>
    (question.at.get(words[i].w) ?? []).some((j) => question.text !== undefined && /^\p{Lu}/u.test(question.text.slice(question.words[j].start, question.words[j].end)));
  let i = 0;
  while (i < words.length) {
    if (!capitalised(i)) {
      i++;
      continue;
    }
    let j = i;
    // A run goes on over spaces, and over a comma or stop before a corporate suffix ("Holdings, Inc.").
    while (j + 1 < words.length && capitalised(j + 1) && /^(?:\s+|[.,]?\s+|\.)$/.test(sentence.slice(words[j].end, words[j + 1].start))) j++;
    const run = Array.from({ length: j - i + 1 }, (_, k) => i + k);
    if (run.length > 1 && run.some(namedInQuestion)) for (const k of run) out.add(k);
    i = j + 1;
  }
  return out;
}

interface FigurePair {
  a: { value: string; unit: string; surface: string };
  b: { value: string; unit: string; surface: string };
  /** Words between the first figure's unit and the second number. */
  gap: number;
  /** Offsets of the pair in the sentence. */
  from: number;
  to: number;
}

/** Words that may join two figures stated as one: "in", "over", "of", "per", "x". */
const PAIR_JOINERS = new Set(["in", "over", "of", "per", "for", "x", "at", "across", "with", "within", "during"]);
const PAIR_JOINER_WORDS = new Set([...PAIR_JOINERS, "a", "an", "the"].map((w) => textWords(w)[0]!.w));

/** Figures with units the sentence states next to each other, joined by at most two words and no punctuation. */
function figurePairs(sentence: string, words: readonly TextWord[]): FigurePair[] {
  const figures: { i: number; value: string; unit: string }[] = [];
  words.forEach((w, i) => {
    const unit = /^\d/.test(w.w) ? unitAfter(sentence, words, i) : undefined;
    if (unit) figures.push({ i, value: w.w, unit });
  });
  const out: FigurePair[] = [];
  for (let k = 0; k + 1 < figures.length; k++) {
    const [x, y] = [figures[k], figures[k + 1]];
    const gap = y.i - (x.i + 1) - 1;
    if (gap < 0 || gap > 2 || x.value === y.value) continue;
    const between = sentence.slice(words[x.i + 1].end, words[y.i].start);
    if (/[,;:()]/.test(between) || words.slice(x.i + 2, y.i).some((w) => !PAIR_JOINERS.has(sentence.slice(w.start, w.end).toLowerCase()))) continue;
    out.push({
      a: { value: x.value, unit: x.unit, surface: sentence.slice(words[x.i].start, words[x.i + 1].end) },
      b: { value: y.value, unit: y.unit, surface: sentence.slice(words[y.i].start, words[y.i + 1].end) },
      gap,
      from: words[x.i].start,
      to: words[y.i + 1].end,
    });
  }
  return out;
}

/** Positions where a figure's number stands with its unit within three words after it: [number, unit] positions. */
function figureAt(index: WordIndex, f: { value: string; unit: string }): [number, number][] {
  const units = new Set(alternativesOf([f.unit]).filter((a) => a.length === 1).map((a) => a[0]));
  const out: [number, number][] = [];
  for (const i of index.at.get(f.value) ?? []) {
    for (let k = 1; k <= 3; k++) {
      if (index.words[i + k] && units.has(index.words[i + k].w)) {
        out.push([i, i + k]);
        break;
      }
    }
  }
  return out;
}

/** The two figures stand together in the passage, in either order, joined only by joining words ("in", "of the"). */
function pairInPassage(index: WordIndex, pair: FigurePair): boolean {
  const as = figureAt(index, pair.a);
  const bs = figureAt(index, pair.b);
  const joined = (from: number, to: number) => to > from && to - from - 1 <= 3 && index.words.slice(from + 1, to).every((w) => PAIR_JOINER_WORDS.has(w.w));
  return as.some(([ai, au]) => bs.some(([bi, bu]) => joined(au, bi) || joined(bu, ai)));
}

/** The largest share of the words that one sentence of the cited passages holds. */
function bestSentenceCoverage(plainWords: readonly string[], cited: readonly PreparedPassage[]): number {
  let best = 0;
  for (const p of cited) {
    // The passage's file name and heading stand beside every one of its sentences.
    const inLabel = (w: string) => alternativesOf([w]).some((a) => findPhrase(p.label, a));
    for (const s of passageSentences(p.raw)) {
      const index = indexWords(s.text);
      const n = plainWords.filter((w) => inLabel(w) || alternativesOf([w]).some((a) => findPhrase(index, a))).length;
      best = Math.max(best, n / Math.max(1, plainWords.length));
    }
  }
  return best;
}

/** The question's terms that set the clause's conditions: not the focus, not names, not the document's own label words, not units. */
function conditionTerms(question: string, focus: QuestionTerm, cited: readonly PreparedPassage[]): QuestionTerm[] {
  return questionTerms(question).filter(
    (t) =>
      t.key !== focus.key &&
      !/^\p{Lu}/u.test(t.surface) &&
      !t.key.split(" ").some((w) => UNIT_WORDS.has(w) || /^\d/.test(w)) &&
      !cited.some((p) => containsTerm(p.label, t)),
  );
}

/** A clause enumerator starting a new provision inside a sentence: "…the Agreement, (b) Either Party may …". */
const ENUMERATOR = /[,;.:]\s+(?=\((?:[a-z]|[ivx]{1,4}|\d{1,2})\)\s+\p{Lu})/gu;

/** The passage's sentences, each cut at its clause enumerators. */
function clauses(text: string): string[] {
  return passageSentences(text).flatMap((s) => s.text.split(ENUMERATOR));
}

const MODAL = new Set(["may", "must", "shall", "will", "can", "could", "should", "would", "might"]);

/** A provision's clauses: its sentences, cut at clause enumerators, semicolons and a comma before "and"/"or"/"but"/"provided". */
const CLAUSE_BREAK = /;\s*|,\s+(?=(?:and|or|but|provided|except)\b)/i;

/** One clause of the cited passages holds every condition and most of the answering words. */
function conditionsInOneClause(conditions: readonly QuestionTerm[], answering: readonly string[], cited: readonly PreparedPassage[]): boolean {
  return cited.some((p) =>
    clauses(p.raw)
      .flatMap((c) => c.split(CLAUSE_BREAK))
      .some((c) => {
        const index = indexWords(c);
        if (!conditions.every((t) => containsTerm(index, t))) return false;
        const held = answering.filter((w) => alternativesOf([w]).some((a) => findPhrase(index, a))).length;
        return held / answering.length >= MIN_WORD_COVERAGE;
      }),
  );
}

/** Figures (number words) in a sentence followed within three words by one of the unit's forms. */
function figuresWithUnit(index: WordIndex, units: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  index.words.forEach((w, i) => {
    if (!/^\d/.test(w.w)) return;
    for (let k = 1; k <= 3; k++) if (index.words[i + k] && units.has(index.words[i + k].w)) out.add(w.w);
  });
  return out;
}

/**
 * A sentence of the cited passages without the stated figure, holding the focus and another figure of the
 * same unit, matches more of the question's conditions than any sentence holding the stated figure.
 */
function inRivalClause(figure: { value: string; unit: string }, focus: QuestionTerm, conditions: readonly QuestionTerm[], cited: readonly PreparedPassage[]): boolean {
  const units = new Set(alternativesOf([figure.unit]).filter((a) => a.length === 1).map((a) => a[0]));
  let own = -1;
  let rival = -1;
  for (const p of cited) {
    for (const s of clauses(p.raw)) {
      const index = indexWords(s);
      const values = figuresWithUnit(index, units);
      const hasFocus = containsTerm(index, focus);
      const score = (hasFocus ? 1 : 0) + conditions.filter((t) => containsTerm(index, t)).length;
      if (values.has(figure.value)) own = Math.max(own, score);
      else if (hasFocus && values.size > 0) rival = Math.max(rival, score);
    }
  }
  return own >= 0 && rival > own;
}

/**
 * The paragraph of the passage (one line of text: transcribed agreements keep a provision on one line) that
 * holds the claim — or, without one, the paragraph the passage opens in — names the term, counting the
 * text before the passage that a given passage continuing into it holds.
 */
function paragraphHolds(p: PreparedPassage, t: QuestionTerm, c?: Claim): boolean {
  const joined = p.before + p.raw;
  let at = p.before.length;
  if (c) {
    const found = findClaim(p.text, c);
    if (!found) return false;
    at += found.start;
  }
  const start = joined.lastIndexOf("\n", at - 1) + 1;
  const end = joined.indexOf("\n", at);
  const paragraph = joined.slice(start, end < 0 ? joined.length : end);
  // Longer than a provision, it is a text whose line breaks were lost (a transcribed report on one line).
  return paragraph.length <= MAX_PARAGRAPH && containsTerm(indexWords(paragraph), t);
}

const MAX_PARAGRAPH = 1600;

/** Words apart within which a figure counts as said of the focus. */
const FOCUS_WINDOW = 25;

function nearFocus(index: WordIndex, claim: Claim, focus: QuestionTerm): boolean {
  const at = claim.figure ? (index.at.get(claim.figure.value) ?? []) : claim.term!.flatMap((alt) => wordPositions(index, alt[0]));
  if (at.length === 0) return false;
  for (const alt of focus.alternatives) {
    for (const i of wordPositions(index, alt[0])) {
      if (!alt.every((w, k) => k === 0 || index.words[i + k]?.w === w)) continue;
      if (at.some((j) => Math.abs(j - i) <= FOCUS_WINDOW)) return true;
    }
  }
  return false;
}

function mergeSpans(spans: SupportSpan[]): SupportSpan[] {
  const sorted = [...spans].sort((a, b) => a.n - b.n || a.start - b.start);
  const out: SupportSpan[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && last.n === s.n && s.start <= last.end + 1) last.end = Math.max(last.end, s.end);
    else out.push({ ...s });
  }
  return out;
}
