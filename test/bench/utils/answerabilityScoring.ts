// Scoring one answer of the answerability bench: does it state the gold value, and does it
// state a figure (number, date, amount, percentage) that no passage given to the model holds?
// Both sides are normalised the same way: "thirty (30) days" ≈ "30 days", "$5,000,000" ≈ "$5000000".

const UNITS: Record<string, number> = {
  zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18, nineteen: 19,
};
const TENS: Record<string, number> = { twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90 };
const NUMBER_WORD = new RegExp(
  `\\b(?:(${Object.keys(TENS).join("|")})(?:[- ](${Object.keys(UNITS).slice(1, 10).join("|")}))?|(${Object.keys(UNITS).join("|")}))\\b`,
  "g",
);

/** Lower case, number words as digits, "30 (30)" once, thousands separators and "#" dropped, hyphens as spaces. */
export function normaliseFigures(text: string): string {
  return text
    .toLowerCase()
    .replace(/\[\d+\]/g, " ") // citation markers are not figures
    .replace(NUMBER_WORD, (_m, tens?: string, unit?: string, single?: string) =>
      String(single !== undefined ? UNITS[single] : TENS[tens!]! + (unit ? UNITS[unit]! : 0)),
    )
    .replace(/\b(\d+(?:\.\d+)?)\s*\(\s*\1\s*\)/g, "$1") // "30 (30)" → "30"
    .replace(/(\d),(?=\d{3}\b)/g, "$1")
    .replace(/#/g, "")
    .replace(/(?<=\w)-(?=\w)/g, " ")
    .replace(/[()"'“”‘’]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** Every figure in the text, as canonical number strings ("1.50" → "1.5", "2,000" → "2000"). */
export function figuresOf(text: string): string[] {
  return [...normaliseFigures(text).matchAll(/\d+(?:\.\d+)?/g)].map((m) => String(Number(m[0])));
}

const FILLER = new Set(["and", "or", "of", "the", "a", "an", "to", "in", "at", "per"]);
/** Words of the text other than figures and filler, singular ("years old" ≈ "year old"). */
const wordsOf = (text: string) =>
  normaliseFigures(text)
    .split(/[^a-z0-9$%./]+/)
    .map((w) => w.replace(/[./]+$/, ""))
    .filter((w) => w && !FILLER.has(w) && !/^\d/.test(w))
    .map((w) => (w.length > 3 ? w.replace(/s$/, "") : w));

/**
 * The answer states the gold value: its normalised form occurs in the normalised answer, or every
 * figure and every word of the value does ("C5-C6 and C6-C7" ≈ "C6-C7 and C5-C6").
 */
export function statesValue(answer: string, value: string): boolean {
  const a = normaliseFigures(answer);
  const v = normaliseFigures(value);
  if (a.includes(v)) return true;
  const answerFigures = new Set(figuresOf(answer));
  const valueFigures = figuresOf(value);
  if (valueFigures.length === 0 || !valueFigures.every((f) => answerFigures.has(f))) return false;
  const answerWords = new Set(wordsOf(answer));
  return wordsOf(value).every((w) => answerWords.has(w));
}

/**
 * Figures the answer states that occur in no passage given to the model. Figures the question
 * itself names are not counted (echoing "2/14/97" invents nothing).
 */
export function unsupportedFigures(answer: string, passages: string[], question: string): string[] {
  const known = new Set([...passages.flatMap(figuresOf), ...figuresOf(question)]);
  return [...new Set(figuresOf(answer))].filter((f) => !known.has(f));
}
