import { contentTerms, matchedTerms, normalizeTerm } from "./queryTerms";

// Which passage a sentence was taken from, judged by its wording alone. Small models often
// copy a passage nearly verbatim and forget the [n]; this finds that passage, conservatively:
// most of the sentence's content words must be in it, with a run of words in the same order,
// and every figure or code the sentence states must be there too.

export interface AttributionOptions {
  /** Share of the sentence's content terms (stemmed, stopwords removed) the passage must contain. */
  minCoverage: number;
  /** Sentences with fewer content terms say too little to match on. */
  minTerms: number;
  /** Longest run of consecutive words (stopwords included) shared with the passage. */
  minSharedRun: number;
}

// Calibrated on the test LLM's real uncited answers over tracemonkey.pdf chunks
// (test/modelDependent/ask/attribution.test.ts, incl. the lead's "trace tree" answer): the sentences
// it copied cover 1.0 of their terms and share runs of 9–41 words with their passage; the best other
// passage on the same topic reached coverage 0.43–0.67 and runs of 1–4. 0.7 lets a paraphrase swap a
// word or two in a 7–10-term sentence; a run of 5 keeps same-topic passages with scattered shared terms out.
export const DEFAULT_ATTRIBUTION: AttributionOptions = { minCoverage: 0.7, minTerms: 3, minSharedRun: 5 };

export interface WordingMatch {
  n: number;
  /** Share of the sentence's content terms found in the passage. */
  coverage: number;
  /** Longest run of consecutive words shared with the passage. */
  sharedRun: number;
}

/** Words joined by these form one figure or code: "V-17", "2024-03-01", "1,200", "3:30", "v1.2". */
const JOIN = "[-_./,:]";
const COMPOUND = new RegExp(`[\\p{L}\\p{N}]+(?:${JOIN}[\\p{L}\\p{N}]+)*`, "gu");
const WORD = /[\p{L}\p{N}]+/gu;
const NEGATION = /\b(?:not|no|never|none|nor|cannot|without|n['’]t)\b/iu;

/** Figures and codes in `text` (compounds holding a digit), lower-cased. */
function figures(text: string): string[] {
  return [...text.normalize("NFKC").toLowerCase().matchAll(COMPOUND)].map((m) => m[0]).filter((w) => /\p{N}/u.test(w));
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/** True when `figure` occurs in `text` as a whole figure: "V-17" is not in "V-170" nor in "V-17-B". */
function statesFigure(text: string, figure: string): boolean {
  const edge = `[\\p{L}\\p{N}]`;
  const re = new RegExp(`(?<!${edge}|${edge}${JOIN})${escapeRegex(figure)}(?!${edge}|${JOIN}${edge})`, "u");
  return re.test(text);
}

function words(text: string): string[] {
  return [...text.matchAll(WORD)].map((m) => normalizeTerm(m[0]));
}

/** Length of the longest run of consecutive words common to both (dynamic programming). */
export function longestSharedRun(a: readonly string[], b: readonly string[]): number {
  let best = 0;
  let prev = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    const row = new Array<number>(b.length + 1).fill(0);
    for (let j = 1; j <= b.length; j++) {
      if (a[i - 1] !== b[j - 1]) continue;
      row[j] = prev[j - 1] + 1;
      if (row[j] > best) best = row[j];
    }
    prev = row;
  }
  return best;
}

/**
 * The passage that best supports `sentence` by wording, or null when none does well enough.
 * Best: highest coverage, then longest shared run, then the lower number.
 */
export function bestPassageByWording(
  sentence: string,
  passages: readonly { n: number; text: string }[],
  options: AttributionOptions = DEFAULT_ATTRIBUTION,
): WordingMatch | null {
  const terms = contentTerms(sentence);
  if (terms.length < options.minTerms) return null;
  const sentenceFigures = figures(sentence);
  const sentenceWords = words(sentence);
  const negated = NEGATION.test(sentence);
  let best: WordingMatch | null = null;
  for (const p of passages) {
    // A figure the passage does not state is an invented claim, however close the wording.
    const passageText = p.text.normalize("NFKC").toLowerCase();
    if (!sentenceFigures.every((f) => statesFigure(passageText, f))) continue;
    // "X is not Y" must not be credited to a passage that only says "X is Y".
    if (negated && !NEGATION.test(p.text)) continue;
    const coverage = matchedTerms(p.text, terms).size / terms.length;
    if (coverage < options.minCoverage) continue;
    const sharedRun = longestSharedRun(sentenceWords, words(p.text));
    if (sharedRun < options.minSharedRun) continue;
    const better = !best || coverage > best.coverage || (coverage === best.coverage && sharedRun > best.sharedRun);
    if (better) best = { n: p.n, coverage, sharedRun };
  }
  return best;
}
