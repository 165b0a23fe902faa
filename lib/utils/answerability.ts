import type { PromptPassage } from "../passageTypes";
import { isClauseType, isEnglishWord, isEverydayWord, isQuestionShape, phraseAbbreviationsIn, questionAlternativesOf, questionSearchWords } from "./lexicon";
import { isContentWord } from "./queryTerms";
import { findPhrase, indexWords, type WordIndex } from "./textWords";

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

export function judgeAnswerability(
  question: string,
  passages: readonly PromptPassage[],
  stats: LibraryTermStats | null,
  opts: AnswerabilityOptions = DEFAULT_ANSWERABILITY,
): Answerability {
  const terms = questionTerms(question);
  const library = stats ?? statsFromPassages(terms, passages);
  if (passages.length === 0) {
    return { answerable: false, absentEverywhere: [], absentFromDocument: [], document: null, named: false, terms: [] };
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
  const focus = focusTerm(question, terms);
  // Rare terms the document holds name it ("the hypospadias repair"); a common word asked about does not.
  const namedBy: string[] = [];
  for (const t of terms) {
    const occ = library.terms.get(t.key);
    const inLibrary = (occ?.chunks ?? 0) > 0 || [...docs.keys()].some((id) => has(id, t));
    const inDocument = has(best!, t);
    // What the question asks about is its subject however common the word: "What insurance must
    // Kubient carry?" cannot be answered from an agreement that never says "insurance".
    const rare = isSubject(t, occ, library, opts);
    // A clause type asked about ("audit", "indemnify") is a subject however everyday the word.
    const subject = rare || t === focus || isClauseType(t.key.split(" "));
    verdicts.push({ surface: t.surface, key: t.key, subject, inDocument, inLibrary });
    if (rare && inDocument) namedBy.push(t.key);
    if (!subject || inDocument) continue;
    (inLibrary ? absentFromDocument : absentEverywhere).push(t.surface);
  }
  return {
    answerable: absentEverywhere.length === 0 && absentFromDocument.length === 0,
    absentEverywhere,
    absentFromDocument,
    document: best ? { documentId: best, fileName: docs.get(best)!.fileName } : null,
    named: namedBy.length > 0,
    terms: verdicts,
  };
}

const WH_WORD = /\b(?:what|which|who|whom|whose|when|where|why|how)\b/i;
/** After the wh-word, before what is asked about: "how many", "what is the", "which of the". */
const LEAD = /^(?:\s+(?:many|much|long|large|big|old|often|far|high|severe|soon|is|are|was|were|does|did|do|has|have|had|must|shall|will|can|may|the|a|an|of|exact|specific|kind|type|sort|size|share|side|levels?|country|countries|state|states|city|place|percentage|portion|part|value|degree|extent|amount|number|period)(?:['’]s)?\b)+/i;
/** Nouns that name only the kind of answer ("which side", "what size"): never what is asked about. */
const KIND_OF_ANSWER = /^(?:size|share|side|levels?|country|countries|state|states|city|place|percentage|portion|part|value|degree|extent|amount|number|period|kind|type|sort)$/i;

/**
 * What the question asks about: the head (last word) of the noun phrase after the wh-word —
 * "What product liability insurance must …" → "insurance", "What size EEA stapler …" → "stapler",
 * "How much fentanyl …" → "fentanyl". Null when it is a name, a kind of answer, or not found.
 */
export function focusTerm(question: string, terms: readonly QuestionTerm[]): QuestionTerm | null {
  const wh = WH_WORD.exec(question);
  if (!wh) return null;
  let rest = question.slice(wh.index + wh[0].length);
  rest = rest.slice(LEAD.exec(rest)?.[0].length ?? 0);
  const tokens = [...rest.matchAll(/(\s*)([\p{L}\p{N}]+(?:[-_./'’][\p{L}\p{N}]+)*)/gu)];
  const phrase: string[] = [];
  let expected = 0;
  for (const [k, m] of tokens.entries()) {
    if (m.index !== expected) break;
    expected = m.index + m[0].length;
    const word = m[2].replace(/['’]s$/i, "");
    if (PHRASE_END.test(word)) break;
    // A verb ends the phrase: a past participle ("closed the skin"), or any word before its object's article ("governs the").
    const next = tokens[k + 1]?.[2] ?? "";
    if (phrase.length > 0 && (/ed$/i.test(word) || IRREGULAR_PARTICIPLE.has(word.toLowerCase()) || /^(?:the|a|an|this|that|its|their|his|her|all|any)$/i.test(next))) break;
    phrase.push(word);
  }
  const head = [...phrase].reverse().find((w) => !KIND_OF_ANSWER.test(w));
  if (!head) return null;
  const term = terms.find((t) => t.surface === head);
  if (!term || (/^\p{Lu}/u.test(head) && term.key.split(" ").some((w) => !isEnglishWord(w)))) return null;
  return term;
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
