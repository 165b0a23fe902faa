import { eng } from "stopword";
import { stemmer } from "stemmer";

// Words of a query and where they occur in a passage: used for highlights in instant
// search and for the keyword half of the relevance gate. English stemming (Porter) so
// "deadlines" finds "deadline"; other scripts still match exactly (lower-cased).

/** Words that say what to do with the documents rather than what to look for. */
const QUESTION_WORDS = [
  "document", "documents", "file", "files", "pdf", "page", "pages", "passage", "passages",
  "tell", "please", "explain", "describe", "mention", "mentioned", "mentions", "say", "says", "said",
  "according", "find", "show", "give", "list", "summarize", "summarise", "know", "can", "could",
  "would", "should", "also", "one", "ones", "what", "which", "who", "whom", "whose", "when", "where", "why", "how",
];
const STOPWORDS = new Set([...eng, ...QUESTION_WORDS]);

export interface WordSpan {
  start: number;
  end: number;
  /** Lower-cased, stemmed form used for matching. */
  term: string;
}

/** Compound words such as "P-101" or "v1.2" are kept whole, and their parts are words too. */
const COMPOUND = /[\p{L}\p{N}]+(?:[-_./'’][\p{L}\p{N}]+)*/gu;
const PART = /[\p{L}\p{N}]+/gu;

export function normalizeTerm(word: string): string {
  const lower = word.normalize("NFKC").toLowerCase().replace(/’/g, "'");
  // The Porter stemmer only knows English letters; leave other scripts and codes alone.
  return /^[a-z]+$/.test(lower) ? stemmer(lower) : lower;
}

export function isContentWord(lowerWord: string): boolean {
  if (STOPWORDS.has(lowerWord)) return false;
  // Single letters are noise, single digits are not ("pump 2").
  return lowerWord.length > 1 || /\p{N}/u.test(lowerWord);
}

/** Every word (compounds and their parts) with its character offsets. */
export function wordSpans(text: string): WordSpan[] {
  const spans: WordSpan[] = [];
  for (const m of text.matchAll(COMPOUND)) {
    const start = m.index;
    spans.push({ start, end: start + m[0].length, term: normalizeTerm(m[0]) });
    if (!/[-_./'’]/.test(m[0])) continue;
    for (const p of m[0].matchAll(PART)) {
      spans.push({ start: start + p.index, end: start + p.index + p[0].length, term: normalizeTerm(p[0]) });
    }
  }
  return spans;
}

/** Distinct stemmed content words of a query, in order of appearance. */
export function contentTerms(text: string): string[] {
  const terms = new Set<string>();
  for (const m of text.matchAll(COMPOUND)) {
    // A possessive is its word: "the priest's weight" asks about the priest (a passage's "priest's" splits into "priest" too).
    const word = m[0].replace(/['’]s$/i, "");
    const lower = word.normalize("NFKC").toLowerCase();
    // Compounds stay whole: "P-101" in a query must not match every "101" in the corpus.
    if (isContentWord(lower)) terms.add(normalizeTerm(word));
  }
  return [...terms];
}

export interface TermMatch {
  start: number;
  end: number;
  term: string;
}

/**
 * Where the given terms occur in `text`, as non-overlapping ranges sorted by start.
 * A whole compound wins over its parts ("P-101" rather than "P" and "101").
 */
export function findTermMatches(text: string, terms: readonly string[]): TermMatch[] {
  if (terms.length === 0) return [];
  const wanted = new Set(terms);
  const hits = wordSpans(text)
    .filter((w) => wanted.has(w.term))
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const out: TermMatch[] = [];
  for (const h of hits) {
    const last = out[out.length - 1];
    if (last && h.start < last.end) continue;
    out.push({ start: h.start, end: h.end, term: h.term });
  }
  return out;
}

/** Which of `terms` occur in `text`. */
export function matchedTerms(text: string, terms: readonly string[]): Set<string> {
  const wanted = new Set(terms);
  return new Set(wordSpans(text).filter((w) => wanted.has(w.term)).map((w) => w.term));
}
