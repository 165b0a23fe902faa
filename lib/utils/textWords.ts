import { createRequire } from "node:module";
import { stemmer } from "stemmer";

// Text as a sequence of normalised words with offsets, shared by the answerability gate and
// the claim check so a question, a passage and an answer sentence are compared the same way:
// lower-cased, NFKC, Porter-stemmed, number words as digits ("thirty (30) days" → 30 30 day),
// thousands separators dropped ("$1,500" → 1500), and compounds split into their parts, so a
// phrase ["non", "compet"] matches "non-compete" and "non compete" alike. Irregular verb forms
// fold to their lemma first (wink-lemmatizer): "underwent" = "undergo", "gave" = "given" = "give".

export interface TextWord {
  /** Normalised form used for matching. */
  w: string;
  start: number;
  end: number;
}

const UNITS: Record<string, number> = {
  zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18, nineteen: 19,
};
const TENS: Record<string, number> = { twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90 };
const SCALES: Record<string, number> = { hundred: 100, thousand: 1000 };

/** Words and numbers; "1,500" and "2.5" stay one number, "PB5" one word, "P-101" splits at the hyphen. */
const TOKEN = /\d+(?:,\d{3})+(?:\.\d+)?(?![\p{L}\p{N}])|\d+\.\d+(?![\p{L}\p{N}])|[\p{L}\p{N}]+(?:['’]\p{L}+)*/gu;
/** "10mg", "5ml": a number glued to its unit reads as the two words. */
const GLUED_UNIT = /^(\d+(?:\.\d+)?)(\p{L}{1,4})$/u;
/** "BP131/74, HR78": a vital sign's abbreviation glued to its reading (a code like "PB5" stays whole). */
const GLUED_VITAL = /^(bp|hr|rr|wt|ht|temp)(\d+(?:\.\d+)?)$/i;

/** Irregular forms that are far more often another word in these documents: "left knee", "wound", "saw" (the tool). */
const NOT_VERB_FORMS = new Set(["left", "wound", "saw", "found", "felt", "ground", "bound", "lay", "rose", "fell", "spoke", "bore", "lead", "lent", "sat", "shed", "tore"]);
let verbLemma: ((w: string) => string) | null = null;
const stems = new Map<string, string>();

/** Porter stem, an irregular verb form stemmed as its lemma ("underwent" → "undergo", "paid" → "pai" like "pay"). */
function stemWord(lower: string): string {
  const known = stems.get(lower);
  if (known !== undefined) return known;
  verbLemma ??= (createRequire(import.meta.url)("wink-lemmatizer") as { verb: (w: string) => string }).verb;
  let out = stemmer(lower);
  if (!NOT_VERB_FORMS.has(lower)) {
    const lemma = verbLemma(lower);
    // Regular inflections are Porter's ("performed" → "perform"); only a form it cannot reach changes.
    if (lemma !== lower && /^[a-z]+$/.test(lemma)) out = stemmer(lemma);
  }
  if (stems.size < 200_000) stems.set(lower, out);
  return out;
}

export function normalizeWord(raw: string): string {
  let lower = raw.normalize("NFKC").toLowerCase().replace(/’/g, "'");
  if (/^\d/.test(lower)) return lower.replace(/,/g, "").replace(/\.0+$/, "");
  lower = lower.replace(/'s$/, "").replace(/'/g, "");
  return /^[a-z]+$/.test(lower) ? stemWord(lower) : lower;
}

function rawTokens(text: string): { raw: string; start: number; end: number }[] {
  const out: { raw: string; start: number; end: number }[] = [];
  for (const m of text.matchAll(TOKEN)) {
    const glued = GLUED_UNIT.exec(m[0]) ?? GLUED_VITAL.exec(m[0]);
    if (glued) {
      const cut = m.index + glued[1].length;
      out.push({ raw: glued[1], start: m.index, end: cut }, { raw: glued[2], start: cut, end: m.index + m[0].length });
    } else out.push({ raw: m[0], start: m.index, end: m.index + m[0].length });
  }
  return out;
}

/** Number words folded into one digit string: "twenty five" / "twenty-five" → 25, "one hundred" → 100. */
function foldNumberWords(text: string, tokens: { raw: string; start: number; end: number }[]): TextWord[] {
  const out: TextWord[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const lower = tokens[i].raw.toLowerCase();
    if (!(lower in UNITS) && !(lower in TENS)) {
      out.push({ w: normalizeWord(tokens[i].raw), start: tokens[i].start, end: tokens[i].end });
      continue;
    }
    let value = UNITS[lower] ?? TENS[lower];
    let j = i;
    const adjacent = (k: number) => k < tokens.length && /^[\s-]*$/.test(text.slice(tokens[k - 1].end, tokens[k].start));
    if (lower in TENS && adjacent(j + 1) && tokens[j + 1].raw.toLowerCase() in UNITS && UNITS[tokens[j + 1].raw.toLowerCase()] < 10) {
      value += UNITS[tokens[++j].raw.toLowerCase()];
    }
    if (adjacent(j + 1) && tokens[j + 1].raw.toLowerCase() in SCALES) value *= SCALES[tokens[++j].raw.toLowerCase()];
    out.push({ w: String(value), start: tokens[i].start, end: tokens[j].end });
    i = j;
  }
  return out;
}

export function textWords(text: string): TextWord[] {
  return foldNumberWords(text, rawTokens(text));
}

/** A text prepared for repeated phrase look-ups. */
export interface WordIndex {
  words: TextWord[];
  /** Positions of each normalised word. */
  at: Map<string, number[]>;
  /** The text indexed: the words' offsets point into it. */
  text?: string;
}

export function indexWords(text: string): WordIndex {
  const words = textWords(text);
  const at = new Map<string, number[]>();
  words.forEach((t, i) => {
    const list = at.get(t.w);
    if (list) list.push(i);
    else at.set(t.w, [i]);
  });
  return { words, at, text };
}

/** Long words whose stems differ only at the end ("anastomos" / "anastomosi", which Porter leaves apart). */
function sameLemma(a: string, b: string): boolean {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  return short.length >= 6 && long.length - short.length <= 2 && long.startsWith(short) && /^\p{L}+$/u.test(long);
}

/** Where a normalised word occurs, a long word's near-stem included. */
export function wordPositions(index: WordIndex, word: string): number[] {
  const exact = index.at.get(word);
  if (exact || word.length < 6) return exact ?? [];
  for (const [w, at] of index.at) if (sameLemma(w, word)) return at;
  return [];
}

/** Offsets of the first occurrence of `phrase` (normalised words, consecutive), or null. */
export function findPhrase(index: WordIndex, phrase: readonly string[]): { start: number; end: number } | null {
  if (phrase.length === 0) return null;
  for (const i of wordPositions(index, phrase[0])) {
    let ok = true;
    for (let k = 1; k < phrase.length && ok; k++) ok = index.words[i + k]?.w === phrase[k];
    if (ok) return { start: index.words[i].start, end: index.words[i + phrase.length - 1].end };
  }
  return null;
}

/** A phrase as normalised words: "non-compete" → ["non", "compet"]. */
export function phraseOf(text: string): string[] {
  return textWords(text).map((t) => t.w);
}
