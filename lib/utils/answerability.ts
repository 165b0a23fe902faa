import type { PromptPassage } from "../passageTypes";
import { isClauseType, isEnglishWord, isEverydayWord, isMeasureWord, isQuestionShape, phraseAbbreviationsIn, questionAlternativesOf, questionSearchWords } from "./lexicon";
import { isContentWord } from "./queryTerms";
import { findPhrase, indexWords, normalizeWord, type WordIndex } from "./textWords";

// Can the retrieved passages answer the question at all? Decided before the LLM is called.
// The question's subject terms (a drug, a clause, a product code, a party) must occur in the
// document the answer would come from. Which terms are subjects is judged by rarity: a term
// that the readable library does not contain at all, or that only a few of its documents
// contain, names something specific; a term most documents share is vocabulary, and an
// everyday English word the library lacks is phrasing ("drug" for "medication").

export interface QuestionTerm {
  /** Normalised words of the term, joined by spaces: the key into LibraryTermStats. */
  key: string;
  /** As the user wrote it. */
  surface: string;
  /** The term and its curated synonyms, each a phrase of normalised words. */
  alternatives: string[][];
  /** The term and its synonyms as written: a keyword query for its occurrences. */
  searchText: string;
}

export interface TermOccurrence {
  /** Chunks (within the readable collections) that contain the term; at most the search cap. */
  chunks: number;
  documents: ReadonlySet<string>;
  /** True when the count reached the search cap: a common term. */
  capped: boolean;
}

export interface LibraryTermStats {
  /** Chunks and documents in the readable collections. */
  chunks: number;
  documents: number;
  terms: ReadonlyMap<string, TermOccurrence>;
}

export interface AnswerabilityOptions {
  /** A term found in at most this share of the readable documents is a subject term. */
  maxSubjectDocShare: number;
}

export const DEFAULT_ANSWERABILITY: AnswerabilityOptions = { maxSubjectDocShare: 0.4 };

export interface TermVerdict {
  surface: string;
  /** Normalised words, as QuestionTerm.key. */
  key: string;
  /** A subject of the question: its absence makes the question unanswerable. */
  subject: boolean;
  inDocument: boolean;
  inLibrary: boolean;
}

export interface Answerability {
  answerable: boolean;
  /** Subject terms (as written) that no readable document contains. */
  absentEverywhere: string[];
  /** Subject terms that the best-matching document lacks, though other documents have them. */
  absentFromDocument: string[];
  /** The given document that covers most of the question's terms (by rarity), if any passage was given. */
  document: { documentId: string; fileName: string } | null;
  /** A figure is asked of a term the document holds, and no given sentence of it states one beside the term. */
  figureMissing: { measure: string | null; of: string } | null;
  /** The question names that document: it holds a subject term of the question ("the hypospadias repair"). */
  named: boolean;
  terms: TermVerdict[];
}

/** Compounds stay one term ("P-101", "non-compete"); possessives fold ("patient's"). */
const QUESTION_TOKEN = /[\p{L}\p{N}]+(?:[-_./'’][\p{L}\p{N}]+)*/gu;

export function questionTerms(question: string): QuestionTerm[] {
  const out = new Map<string, QuestionTerm>();
  // A word of a phrase the documents abbreviate is present where the abbreviation is ("blood" in "estimated blood loss" — "EBL").
  const qWords = indexWords(question).words;
  const abbreviated = phraseAbbreviationsIn(qWords.map((w) => w.w));
  const abbreviationsOf = (surfaceStart: number) => {
    const i = qWords.findIndex((w) => w.start === surfaceStart);
    return abbreviated.filter((a) => a.at.includes(i));
  };
  for (const m of question.matchAll(QUESTION_TOKEN)) {
    const surface = m[0].replace(/['’]s$/i, "");
    const lower = surface.normalize("NFKC").toLowerCase();
    if (!isContentWord(lower)) continue;
    const phrase = indexWords(surface).words.map((w) => w.w);
    if (phrase.length === 0 || isQuestionShape(phrase)) continue;
    const k = phrase.join(" ");
    if (out.has(k)) continue;
    const abbr = phrase.length === 1 ? abbreviationsOf(m.index) : [];
    out.set(k, {
      key: k,
      surface,
      alternatives: [...questionAlternativesOf(phrase), ...abbr.flatMap((a) => a.short)],
      searchText: [surface, ...questionSearchWords(phrase), ...abbr.flatMap((a) => a.written)].join(" "),
    });
  }
  // A clause type of several words ("most favoured", "change of control") is one subject; the loop
  // above never forms it, its words being stop words or everyday ones taken one at a time.
  const norm = qWords.map((w) => w.w);
  for (let i = 0; i < norm.length; i++) {
    for (const n of [2, 3]) {
      const phrase = norm.slice(i, i + n);
      const k = phrase.join(" ");
      if (phrase.length < n || out.has(k) || !isClauseType(phrase)) continue;
      const surface = question.slice(qWords[i]!.start, qWords[i + n - 1]!.end);
      out.set(k, { key: k, surface, alternatives: questionAlternativesOf(phrase), searchText: [surface, ...questionSearchWords(phrase)].join(" ") });
    }
  }
  // "syphilis serology (RPR)": the user gives the document's name for the words before it, and the reverse.
  for (const m of question.matchAll(/\(([^()]{1,40})\)/g)) {
    const inner = indexWords(m[1]).words.map((w) => w.w);
    const before: string[] = [];
    for (let i = qWords.findLastIndex((w) => w.end <= m.index); i >= 0 && before.length < 3; i--) {
      if (!isContentWord(qWords[i]!.w) || /[.?!;:,]/.test(question.slice(qWords[i]!.end, i + 1 < qWords.length ? qWords[i + 1]!.start : m.index))) break;
      before.unshift(qWords[i]!.w);
    }
    if (inner.length === 0 || before.length === 0) continue;
    const beforeText = question.slice(qWords[qWords.findLastIndex((w) => w.end <= m.index) - before.length + 1]!.start, m.index).trim();
    for (const t of out.values()) {
      const words = t.key.split(" ");
      if (words.every((w) => before.includes(w))) {
        t.alternatives.push(inner);
        t.searchText += ` ${m[1]}`;
      } else if (words.every((w) => inner.includes(w))) {
        t.alternatives.push(before);
        t.searchText += ` ${beforeText}`;
      }
    }
  }
  return [...out.values()];
}

export function containsTerm(index: WordIndex, term: QuestionTerm): boolean {
  return term.alternatives.some((alt) => findPhrase(index, alt) !== null);
}

export const passageIndexText = (p: { fileName?: string; headingPath: string; text: string }) =>
  `${(p.fileName ?? "").replace(/\.[a-z0-9]{1,5}$/i, "")}\n${p.headingPath}\n${p.text}`;

/** Occurrences counted over the given passages alone, when no library-wide statistics are at hand. */
export function statsFromPassages(terms: readonly QuestionTerm[], passages: readonly PromptPassage[]): LibraryTermStats {
  const indexes = passages.map((p) => ({ p, index: indexWords(passageIndexText(p)) }));
  const stats = new Map<string, TermOccurrence>();
  for (const t of terms) {
    const having = indexes.filter(({ index }) => containsTerm(index, t));
    stats.set(t.key, { chunks: having.length, documents: new Set(having.map(({ p }) => p.documentId)), capped: false });
  }
  return { chunks: passages.length, documents: new Set(passages.map((p) => p.documentId)).size, terms: stats };
}

function isSubject(term: QuestionTerm, occ: TermOccurrence | undefined, stats: LibraryTermStats, opts: AnswerabilityOptions): boolean {
  const words = term.key.split(" ");
  if (!occ || occ.chunks === 0) {
    // Not in the library at all: phrasing if every word is everyday English; figures and codes never are.
    return !words.every((w) => /^\p{L}+$/u.test(w) && isEverydayWord(w));
  }
  if (occ.capped || words.every((w) => /^\p{L}+$/u.test(w) && isEverydayWord(w))) return false;
  return occ.documents.size / Math.max(1, stats.documents) <= opts.maxSubjectDocShare;
}

/** The term is written capitalised, not as the question's first word. */
function isNameInQuestion(question: string, t: QuestionTerm): boolean {
  if (!/^\p{Lu}/u.test(t.surface)) return false;
  const first = /[\p{L}\p{N}]+/u.exec(question);
  return !first || question.indexOf(t.surface) > first.index;
}

/** Sides and ends a report tells apart: asking about one when the document has only the other is asking about something else. */
const OPPOSITES: Readonly<Record<string, string>> = Object.fromEntries(
  [["left", "right"], ["upper", "lower"], ["anterior", "posterior"], ["medial", "lateral"], ["proximal", "distal"], ["superior", "inferior"], ["internal", "external"], ["ipsilateral", "contralateral"]].flatMap(([a, b]) => [
    [a, b],
    [b, a],
  ]),
);

/** "left ventricular lead": a side word and the one or two content words after it, with the opposite side. */
export function contrastedPhrases(question: string): { word: string; opposite: string; rest: string[]; surface: string }[] {
  const words = indexWords(question).words;
  const out: { word: string; opposite: string; rest: string[]; surface: string }[] = [];
  words.forEach((w, i) => {
    const raw = question.slice(w.start, w.end).toLowerCase();
    const opposite = OPPOSITES[raw];
    if (!opposite) return;
    const rest: string[] = [];
    let end = w.end;
    for (let k = i + 1; k < words.length && rest.length < 2; k++) {
      const between = question.slice(words[k - 1]!.end, words[k]!.start);
      const raw2 = question.slice(words[k]!.start, words[k]!.end).toLowerCase();
      if (!/^[\s-]*$/.test(between) || !isContentWord(raw2) || raw2 in OPPOSITES) break;
      rest.push(words[k]!.w);
      end = words[k]!.end;
    }
    if (rest.length > 0) out.push({ word: w.w, opposite: indexWords(opposite).words[0]!.w, rest, surface: question.slice(w.start, end) });
  });
  return out;
}

/** Where a sentence or a report's field ends: "EBL: 50 cc.,PLAN", "… graft.  ANESTHESIA". */
const CLAUSE_BREAK = /(?<=[.!?;])\s+|\n+|\.,/;

/** Words an initialism may skip inside its expansion ("Anterior Cervical Discectomy & Fusion" — ACDF). */
const INITIALISM_GAP = /^(?:and|of|the|for|to|in|with|&)$/i;

/** The phrases of `text` whose words' initials spell `initialism` (letters only, at least 3). */
export function initialismExpansions(initialism: string, text: string): string[][] {
  const letters = initialism.toLowerCase();
  const words = [...text.matchAll(/[\p{L}]+|&/gu)].map((m) => m[0]);
  const found: string[][] = [];
  for (let i = 0; i < words.length; i++) {
    if (INITIALISM_GAP.test(words[i]!) || words[i]![0]!.toLowerCase() !== letters[0]) continue;
    const phrase: string[] = [];
    let k = 0;
    for (let j = i; j < words.length && k < letters.length; j++) {
      const w = words[j]!;
      if (k > 0 && INITIALISM_GAP.test(w)) continue;
      if (w.length < 3 || w[0]!.toLowerCase() !== letters[k]) break;
      phrase.push(w);
      k++;
    }
    if (k === letters.length) found.push(indexWords(phrase.join(" ")).words.map((w) => w.w));
  }
  return found;
}

/** A question's initialism ("the ACDF") is present where a given document spells it out, in its name or text. */
function addInitialismExpansions(terms: QuestionTerm[], passages: readonly PromptPassage[]): void {
  const initialisms = terms.filter((t) => /^\p{Lu}{3,6}$/u.test(t.surface));
  if (initialisms.length === 0) return;
  const texts = new Set(passages.flatMap((p) => [(p.fileName ?? "").replace(/\.[a-z0-9]{1,5}$/i, ""), p.headingPath, p.text]));
  for (const t of initialisms) {
    for (const text of texts) for (const phrase of initialismExpansions(t.surface, text)) t.alternatives.push(phrase);
  }
}

export function judgeAnswerability(
  question: string,
  passages: readonly PromptPassage[],
  stats: LibraryTermStats | null,
  opts: AnswerabilityOptions = DEFAULT_ANSWERABILITY,
): Answerability {
  const terms = questionTerms(question);
  const library = stats ?? statsFromPassages(terms, passages);
  addInitialismExpansions(terms, passages);
  if (passages.length === 0) {
    return { answerable: false, absentEverywhere: [], absentFromDocument: [], figureMissing: null, document: null, named: false, terms: [] };
  }

  // Per document of the given passages: which terms it has, in its passages, name or elsewhere in it.
  const docs = new Map<string, { fileName: string; name: WordIndex; index: WordIndex[]; order: number }>();
  passages.forEach((p, i) => {
    const fileName = p.fileName ?? p.documentId;
    const d = docs.get(p.documentId) ?? { fileName, name: indexWords(fileName.replace(/\.[a-z0-9]{1,5}$/i, "")), index: [], order: i };
    d.index.push(indexWords(passageIndexText(p)));
    docs.set(p.documentId, d);
  });
  const weight = (t: QuestionTerm) => {
    const occ = library.terms.get(t.key);
    return Math.log(1 + Math.max(1, library.documents) / (1 + (occ?.documents.size ?? 0)));
  };
  const has = (documentId: string, t: QuestionTerm) =>
    (library.terms.get(t.key)?.documents.has(documentId) ?? false) || docs.get(documentId)!.index.some((ix) => containsTerm(ix, t));

  let best: string | null = null;
  let bestScore = -1;
  for (const [id, d] of docs) {
    // A term in the file's name names the document more surely than one in its text.
    const score = terms.filter((t) => has(id, t)).reduce((s, t) => s + weight(t) * (containsTerm(d.name, t) ? 2 : 1), 0);
    if (score > bestScore || (score === bestScore && best !== null && d.order < docs.get(best)!.order)) {
      best = id;
      bestScore = score;
    }
  }

  const verdicts: TermVerdict[] = [];
  const absentEverywhere: string[] = [];
  const absentFromDocument: string[] = [];
  const asked = focusOf(question, terms);
  const focus = asked.term;
  // Rare terms the document holds name it ("the hypospadias repair"); a common word asked about does not.
  const namedBy: string[] = [];
  for (const t of terms) {
    const occ = library.terms.get(t.key);
    const inLibrary = (occ?.chunks ?? 0) > 0 || [...docs.keys()].some((id) => has(id, t));
    const inDocument = has(best!, t);
    // What the question asks about is its subject however common the word: "What insurance must
    // Kubient carry?" cannot be answered from an agreement that never says "insurance".
    // A measure ("amplitude", "strength") the report never names is how it gives a figure, not what the question is about.
    const rare = isSubject(t, occ, library, opts) && !isMeasureWord(t.key);
    // A clause type asked about ("audit", "indemnify") is a subject however everyday the word; a
    // capitalised word inside the question is a name ("on Windows"), whose absence decides, though
    // where the document has it no passage need repeat it ("the Coral Gold agreement").
    const subject = rare || t === focus || isClauseType(t.key.split(" ")) || (!inDocument && isNameInQuestion(question, t) && !isMeasureWord(t.key));
    verdicts.push({ surface: t.surface, key: t.key, subject, inDocument, inLibrary });
    if (rare && inDocument) namedBy.push(t.key);
    if (!subject || inDocument) continue;
    (inLibrary ? absentFromDocument : absentEverywhere).push(t.surface);
  }
  // "the left ventricular lead" where the report has only the right one: each word is there, the thing is not.
  if (best) {
    const indexes = docs.get(best)!.index;
    for (const side of contrastedPhrases(question)) {
      const inGiven = (phrase: string[]) => indexes.some((ix) => findPhrase(ix, phrase) !== null);
      if (inGiven([side.word, ...side.rest]) || !inGiven([side.opposite, ...side.rest])) continue;
      if (side.rest.length < 2 && inGiven([side.word])) continue;
      absentFromDocument.push(side.surface);
    }
  }
  // A figure asked of something the document names but never gives one for ("the diameter of the Hemashield graft").
  let figureMissing: Answerability["figureMissing"] = null;
  const of = asked.figureOf;
  if (absentEverywhere.length === 0 && absentFromDocument.length === 0 && of && has(best!, of)) {
    const sentences = passages.filter((p) => p.documentId === best).flatMap((p) => p.text.split(CLAUSE_BREAK));
    const found = sentences.map((text) => {
      const index = indexWords(text);
      const at = of.alternatives.map((alt) => findPhrase(index, alt)).find((f) => f !== null);
      return at == null ? null : index.words.some((w) => /\d/.test(w.w) && (w.end <= at.start || w.start >= at.end));
    });
    // Judged only on sentences seen: a term the document holds outside the given passages may have its figure there.
    if (found.some((f) => f !== null) && !found.some((f) => f === true)) figureMissing = { measure: asked.measure, of: phraseFrom(question, of.surface) };
  }
  return {
    answerable: absentEverywhere.length === 0 && absentFromDocument.length === 0 && figureMissing === null,
    absentEverywhere,
    absentFromDocument,
    figureMissing,
    document: best ? { documentId: best, fileName: docs.get(best)!.fileName } : null,
    named: namedBy.length > 0,
    terms: verdicts,
  };
}

const WH_WORD = /\b(?:what|which|who|whom|whose|when|where|why|how)\b/i;
/** After the wh-word, before what is asked about: "how many", "what is the", "which of the". */
const LEAD = /^(?:\s+(?:many|much|long|large|big|old|often|far|high|severe|soon|is|are|was|were|does|did|do|has|have|had|must|shall|will|can|may|the|a|an|of|exact|specific|kind|type|sort|size|share|side|levels?|country|countries|state|states|city|place|percentage|portion|part|value|degree|extent|amount|number|period)(?:['’]s)?\b)+/i;
/** Nouns that name only the kind of answer ("which side", "what size"): never what is asked about. */
const KIND_OF_ANSWER = /^(?:size|share|side|levels?|country|countries|state|states|city|place|percentage|portion|part|value|degree|extent|amount|number|period|kind|type|sort|codes?|dates?)$/i;

/**
 * What the question asks about: the head (last word) of the noun phrase after the wh-word —
 * "What product liability insurance must …" → "insurance", "What size EEA stapler …" → "stapler",
 * "How much fentanyl …" → "fentanyl". Null when it is a name, a kind of answer, or not found.
 */
export function focusTerm(question: string, terms: readonly QuestionTerm[]): QuestionTerm | null {
  return focusOf(question, terms).term;
}

/**
 * The focus, and whether the question asks for a figure of it: "how many/much X", or a measure of X
 * ("What R-wave amplitude …", "What strength of Marcaine …"); `measure` is the measure word, if any.
 */
export function focusOf(question: string, terms: readonly QuestionTerm[]): { term: QuestionTerm | null; figureOf: QuestionTerm | null; measure: string | null } {
  const none = { term: null, figureOf: null, measure: null };
  const wh = WH_WORD.exec(question);
  // "How many units …", not "How much does the patient weigh?" (a figure of the verb's subject).
  const quantity = /^how\s+(?:many|much)\s+(?!(?:is|are|was|were|does|did|do|has|have|had|must|shall|will|can|may|should|would|could)\b)/i.test(question.slice(wh?.index ?? 0));
  if (!wh || /^why$/i.test(wh[0])) return none;
  let rest = question.slice(wh.index + wh[0].length);
  // "When/where/who did the patient go …": what follows is the clause's agent, not what is asked
  // about; after a copula it is ("When is the follow-up visit …").
  if (/^(?:when|where|who|whom)$/i.test(wh[0]) && !/^\s+(?:is|are|was|were)\b/i.test(rest)) return none;
  // "how" takes an adjective or adverb ("how tall", "how tight"): the kind of answer, never the subject.
  if (/^how$/i.test(wh[0])) rest = rest.replace(/^\s+[\p{L}-]+/u, "");
  rest = rest.slice(LEAD.exec(rest)?.[0].length ?? 0);
  const tokens = [...rest.matchAll(/(\s*)([\p{L}\p{N}]+(?:[-_./'’][\p{L}\p{N}]+)*)/gu)];
  const phrase: string[] = [];
  let expected = 0;
  for (const [k, m] of tokens.entries()) {
    if (m.index !== expected) break;
    const word = m[2].replace(/['’]s$/i, "");
    if (PHRASE_END.test(word)) break;
    expected = m.index + m[0].length;
    // A verb ends the phrase: a past participle ("closed the skin"), or any word before its object's article ("governs the").
    const next = tokens[k + 1]?.[2] ?? "";
    if (phrase.length > 0 && (/ed$/i.test(word) || IRREGULAR_PARTICIPLE.has(word.toLowerCase()) || /^(?:the|a|an|this|that|its|their|his|her|all|any)$/i.test(next))) break;
    phrase.push(word);
  }
  let head = [...phrase].reverse().find((w) => !KIND_OF_ANSWER.test(w));
  if (!head) return none;
  // A measure of something ("R-wave amplitude", "strength of Marcaine") asks about that something;
  // a measure alone ("the patient's height") is what is asked.
  let measure: string | null = null;
  if (isMeasureWord(normalizeWord(head))) {
    const measured =
      [...phrase].reverse().find((w) => w !== head && !KIND_OF_ANSWER.test(w) && terms.some((t) => t.surface === w)) ??
      (phrase.length === 1 ? ofComplement(rest, expected, terms) : undefined);
    if (measured) {
      measure = head;
      head = measured;
    }
  }
  const term = terms.find((t) => t.surface === head);
  if (!term) return none;
  const figureOf = quantity || measure !== null ? term : null;
  // A name is no focus ("What strength of Marcaine"), though a figure of it is still asked for.
  if (/^\p{Lu}/u.test(head) && term.key.split(" ").some((w) => !isEnglishWord(w))) return { term: null, figureOf, measure };
  return { term, figureOf, measure };
}

/** "… strength of the Marcaine used …": the first question term after "of", if the phrase stops there. */
function ofComplement(rest: string, from: number, terms: readonly QuestionTerm[]): string | undefined {
  const after = /^\s+of\s+(?:(?:the|a|an|this|that|its|his|her|their)\s+)?([\p{L}\p{N}]+(?:[-_./'’][\p{L}\p{N}]+)*)/iu.exec(rest.slice(from));
  const word = after?.[1].replace(/['’]s$/i, "");
  return word && terms.some((t) => t.surface === word) ? word : undefined;
}

/** The words from `word` to the end of its noun phrase, as written: "bifurcated Hemashield graft". */
function phraseFrom(question: string, word: string): string {
  const at = question.indexOf(word);
  if (at < 0) return word;
  const words: string[] = [];
  for (const m of question.slice(at).matchAll(/([\p{L}\p{N}]+(?:[-_./'’][\p{L}\p{N}]+)*)(\s*)/gu)) {
    if (words.length > 0 && (PHRASE_END.test(m[1]) || /ed$/i.test(m[1]))) break;
    words.push(m[1]);
    if (!/^ +$/.test(m[2]) || words.length >= 4) break;
  }
  return words.join(" ");
}

export const IRREGULAR_PARTICIPLE: ReadonlySet<string> = new Set(["found", "done", "given", "made", "seen", "taken", "shown", "kept", "held", "put", "set", "sent", "paid", "begun", "known", "brought", "told", "said", "left", "run", "won", "lost"]);
const PHRASE_END = /^(?:is|are|was|were|does|did|do|has|have|had|must|shall|will|would|should|can|could|may|of|in|on|for|under|to|at|by|with|from|that|which|and|or|the|a|an)$/i;

/** The question's words that name a type of clause ("audit", "royalty"): see lexicon's CLAUSE_TYPES. */
export function clauseTerms(terms: readonly QuestionTerm[]): QuestionTerm[] {
  return terms.filter((t) => isClauseType(t.key.split(" ")));
}

/** Words of the question found in a sentence: to pick the passage sentence worth quoting. */
export function termHits(sentence: string, terms: readonly QuestionTerm[]): number {
  const index = indexWords(sentence);
  return terms.filter((t) => containsTerm(index, t)).length;
}
