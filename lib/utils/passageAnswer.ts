import type { Answerability } from "./answerability";
import { clauseTerms, containsTerm, focusTerm, IRREGULAR_PARTICIPLE, questionTerms, type QuestionTerm } from "./answerability";
import { createRequire } from "node:module";
import { eng } from "stopword";
import { markerRegex } from "./citationMarkers";
import { isEverydayWord } from "./lexicon";
import { sentenceSpans } from "./sentences";
import { indexWords, textWords, wordPositions, type TextWord, type WordIndex } from "./textWords";

// When the model's answer cannot be verified (or it said the documents do not say) but the
// gate found the question's subjects in the passages, the document may still answer in its own
// words. The sentence that holds the question's terms and the kind of value it asks for
// ("how many" → a figure, "which state" → a name) is quoted verbatim: Cairn's answer, verified
// by construction. A sentence that only shares a word or two answers nothing and is not quoted.

export interface PassageSentence {
  /** Index into the passages given. */
  passage: number;
  /** Offsets into that passage's text. */
  start: number;
  end: number;
  text: string;
}

export interface PassageAnswerInput {
  text: string;
  documentId: string;
  fileName?: string;
  /** The chunk's context header (title, "Parties: …", "Section: …"): its title and parties name the document. */
  context?: string;
}

type Expect = "duration" | "figure" | "name" | "place" | "any";

const DURATION_Q = /\bhow (?:long|old)\b|\bhow (?:much|far in advance)\b[^?]*\bnotice\b|\bwithin how many\b|\bhow many (?:days|weeks|months|years|hours|business|working|calendar)\b|\bwhat (?:is |was )?(?:the )?(?:initial |renewal )?(?:term|period|duration|notice period)\b/i;
const FIGURE_Q =
  /\bhow (?:many|much|large|big|often|far|high|old|soon|frequently|severe)\b|\bwhat (?:percentage|percent|rate|dose|dosage|amount|size|sum|price|number|level|volume|weight|speedup|share|score)\b/i;
/** Asked about in a what/which question, these nouns are answered by a figure ("What late fee …" → "5%"). */
const FIGURE_NOUN =
  /\b(?:fee|fees|rate|price|cost|payment|amount|dose|dosage|percentage|percent|score|value|size|weight|volume|speedup|salary|royalty|deposit|interest|penalty|charge|limit|cap|age|date|deadline|blood loss|temperature|pressure)\b/i;
const DATE_Q = /\bwhen\b|\bwhat (?:date|day|year|month|time)\b|\bby what\b|\bon what date\b|\bto what date\b/i;
const NAME_Q = /\bwhich (?:state|country|court|courts|law|laws|jurisdiction|party|company|city|county|province|firm|bank)\b|\bwho\b|\bwhom\b|\bwhose\b|\bwhere\b|\bwhat (?:state|country|company|city|jurisdiction)\b/i;

/** Asked for a quantity ("How much blood …", "What dose …"): an answer states a number, or answers nothing. Not "how often" or "when" ("quarterly", "upon delivery"). */
const QUANTITY_Q = /\bhow (?:many|much|long|old)\b|\bwhat (?:percentage|percent|dose|dosage|amount|sum|price|number|volume|weight|fee)\b/i;

export function asksForQuantity(question: string): boolean {
  return QUANTITY_Q.test(question);
}

/** The text states a number (digits, or number words: "thirty (30) days", "ten"). */
export function statesNumber(text: string): boolean {
  return textWords(text.replace(markerRegex(), "")).some((w) => /^\d/.test(w.w));
}

export function expectedAnswer(question: string): Expect {
  if (DURATION_Q.test(question)) return "duration";
  if (FIGURE_Q.test(question) || DATE_Q.test(question)) return "figure";
  // "From where …", "Where is …": a place, which English names after a preposition ("in Frisco, Texas").
  if (/\bwhere\b/i.test(question)) return "place";
  if (NAME_Q.test(question)) return "name";
  if (/\b(?:what|which)\b/i.test(question) && FIGURE_NOUN.test(question)) return "figure";
  return "any";
}

/** A month's name as a date writes it: capitalised ("may" is a verb, "March" alone could start a sentence but rarely does). */
const MONTH = /^(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?$/;
const TIME_UNIT = new Set(["dai", "day", "week", "month", "year", "hour", "minut", "busi", "work", "calendar", "annual", "quarter"]);
const MAX_QUOTE = 320;

/** Where the sentence holds a value of the kind asked for, beyond what the question already says: word positions. */
function expectedValues(sentence: string, words: readonly TextWord[], expect: Expect, question: string): number[] {
  const asked = new Set(textWords(question).map((w) => w.w));
  const raw = (i: number) => sentence.slice(words[i].start, words[i].end);
  // "…,2." in a transcribed list numbers an item; it is no value.
  const enumerator = (i: number) => i === words.length - 1 && /^\s*\.?\s*$/.test(sentence.slice(words[i].end));
  // "Section 5.1 (a)", "5.2 On any termination …": the number of a provision, said where it begins or referred to, is no value.
  const reference = (i: number) => (i > 0 && REFERENCE_WORD.test(words[i - 1].w)) || (i === 0 && /^\s*\d+\.(?:\d+\.?)*\s+(?:\p{Lu}|\()/u.test(sentence.slice(words[0].start)));
  const isNumber = (i: number) => /^\d/.test(words[i].w) && !asked.has(words[i].w) && !enumerator(i) && !reference(i);
  const out: number[] = [];
  words.forEach((w, i) => {
    let ok: boolean;
    if (expect === "duration") ok = isNumber(i) && [1, 2, 3].some((k) => words[i + k] !== undefined && [...TIME_UNIT].some((u) => words[i + k].w.startsWith(u)));
    else if (expect === "figure") ok = isNumber(i) || (MONTH.test(raw(i)) && !asked.has(w.w));
    else if (expect === "name" || expect === "place") {
      ok = !asked.has(w.w) && w.start > 0 && /^\p{Lu}\p{Ll}/u.test(raw(i)) && !NOT_A_NAME.test(raw(i));
      if (expect === "place") ok &&= [1, 2].some((k) => i - k >= 0 && LOCATIVE.test(words[i - k].w) && (k === 1 || words[i - 1].w === "the"));
    }
    else ok = !asked.has(w.w) && w.w.length > 2 && /^\p{L}/u.test(w.w);
    if (ok) out.push(i);
  });
  return out;
}

/** Words naming a part of the document, as normalised: the number after them refers to it. */
const REFERENCE_WORD = /^(?:section|article|paragraph|claus|exhibit|schedul|item|§)s?$/;
/** Possessive and personal pronouns stand for a name the sentence need not repeat ("its inventory", "his weight"). */
const PRONOUN = /^(?:it|its|his|her|hers|their|theirs|our|ours|your|yours|my|him|them|they|he|she|we|you)$/i;

const STOP = new Set(eng);
const LOCATIVE = /^(?:in|at|from|near|within|to)$/;

const NOT_A_NAME = /^(?:The|This|That|These|Such|Each|Any|All|Agreement|Party|Parties|Section|Article|Exhibit|Schedule)$/;

/** The words a document is known by: its file name, and the title and parties of its context header (not the section). */
function documentNaming(fileName: string | undefined, passages: readonly PassageAnswerInput[], documentId: string | undefined): WordIndex {
  const header = passages.find((p) => p.documentId === documentId && p.context)?.context ?? "";
  const naming = header.split("\n").filter((l) => !/^Section:/.test(l));
  return indexWords([(fileName ?? "").replace(/\.[a-z0-9]{1,5}$/i, ""), ...naming].join("\n"));
}

/** Terms that only name the document ("the NMF trademark license agreement", "Coral Gold", "Intermark Capital"). */
function namesDocument(t: QuestionTerm, naming: WordIndex, fileName: string | undefined): boolean {
  if (containsTerm(naming, t)) return true;
  // Filed documents glue the company's name into one word ("CORALGOLDRESOURCES,LTD_…", "CnsPharmaceuticalsInc_…"):
  // a capitalised name of the question inside such a word names the document too.
  if (!fileName || !/^\p{Lu}/u.test(t.surface) || t.surface.length < 4 || /[^\p{L}]/u.test(t.surface)) return false;
  const glued = fileName.split(/[^\p{L}]+/u).filter((w) => w.length >= 12);
  return glued.some((w) => w.toLowerCase().includes(t.surface.toLowerCase()));
}

/** A sentence that goes on about the one before it ("The largest of which measures …", "It …"): read with it. */
const CONTINUES = /^\s*(?:(?:the|a)\s+\w+\s+of\s+(?:which|these|them|those)|of\s+which|which|it|its|they|these|those|this|such)\b/i;

/**
 * The passage's sentences, and each sentence read together with a following one that continues it;
 * `continuesAt` (offset in the joined text) is where the continuation starts: the value must be there.
 */
function candidateSentences(text: string): (ReturnType<typeof sentenceSpans>[number] & { continuesAt?: number })[] {
  const sentences = passageSentences(text);
  const out: (ReturnType<typeof sentenceSpans>[number] & { continuesAt?: number })[] = [...sentences];
  sentences.forEach((s, k) => {
    const next = sentences[k + 1];
    if (next && CONTINUES.test(next.text)) out.push({ ...s, end: next.end, text: text.slice(s.start, next.end), continuesAt: next.start - s.start });
  });
  return out;
}

/**
 * Sentences of a passage. A PDF's text is wrapped into lines; a line break inside a sentence (the
 * line ends without a stop and the next goes on in lower case or with a figure) is a space, so the
 * sentence is whole. Offsets are unchanged: each joining break is replaced by one space.
 */
export function passageSentences(text: string): ReturnType<typeof sentenceSpans> {
  const joined = text.replace(/([^\s.!?:;])[ \t]*\n(?=[ \t]*[\p{Ll}\d(])/gu, (m) => m.replace(/\n/, " "));
  return sentenceSpans(joined).map((s) => ({ ...s, text: text.slice(s.start, s.end) }));
}

/** Word positions where a term (or a synonym) starts. */
function termPositions(index: WordIndex, t: QuestionTerm): number[] {
  const out: number[] = [];
  for (const alt of t.alternatives) {
    for (const i of wordPositions(index, alt[0])) if (alt.every((w, k) => k === 0 || index.words[i + k]?.w === w)) out.push(i);
  }
  return out;
}

/** Terms the sentence holds, each at a word no earlier term took ("governed" is not both "law" and "governs"); and where the focus is. */
function hitsIn(index: WordIndex, terms: readonly QuestionTerm[], focus: QuestionTerm): { hits: Set<QuestionTerm>; focusAt: number | undefined } {
  const taken = new Set<number>();
  const hits = new Set<QuestionTerm>();
  let focusAt: number | undefined;
  for (const t of [focus, ...terms.filter((x) => x !== focus)]) {
    const at = termPositions(index, t).find((i) => !taken.has(i));
    if (at === undefined) continue;
    taken.add(at);
    hits.add(t);
    if (t === focus) focusAt = at;
  }
  return { hits, focusAt };
}

let partsOfSpeech: Record<string, string[] | undefined> | null = null;

/** Tagged a verb first in wink-lexicon (its tags come most frequent first): "made", "hear", "keep" — not "place", "order". */
export function usuallyVerb(word: string): boolean {
  partsOfSpeech ??= (createRequire(import.meta.url)("wink-lexicon") as { lexicon: Record<string, string[] | undefined> }).lexicon;
  return partsOfSpeech[word.toLowerCase()]?.[0]?.startsWith("VB") ?? false;
}

/** A yes/no question: it opens with its auxiliary ("Does the Licensee pay a royalty …?"). */
const POLAR = /^\s*(?:does|do|did|is|are|was|were|can|may|must|will|shall|has|have|had|should|could|would)\b/i;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const AUXILIARY = new Set(["does", "did", "do", "is", "are", "was", "were", "has", "have", "had", "must", "shall", "will", "would", "should", "can", "could", "may"]);
const CONTEXT_PREPOSITION = /\s(?:in|for|under|during|after|before|at|on|with|between|from|within|following|according to|over|into|through|along|across)\s/i;
/** Share of the question's weighted terms the sentence must hold. */
const MIN_COVERAGE = 0.55;
const WH_WORD = /\b(?:what|which|who|whom|whose|when|where|why|how)\b/i;

/**
 * The sentence of the given passages (of the document the question is about) that answers it,
 * or null: it holds what the question asks about (its first plain word after the wh-word), 60% of
 * the question's other terms by weight, and a value of the kind asked for. Terms in the file's
 * name are left out; names, defined terms and the words placing the question weigh less.
 */
export function answeringSentence(
  question: string,
  answerability: Answerability,
  passages: readonly PassageAnswerInput[],
  /** Dev loops: why each near candidate was passed over. */
  explain?: (line: string) => void,
): PassageSentence | null {
  const docId = answerability.document?.documentId;
  const fileName = answerability.document?.fileName;
  const wh = WH_WORD.exec(question);
  const whAt = wh?.index ?? 0;
  const naming = documentNaming(fileName, passages, docId);
  const terms = questionTerms(question).filter((t) => !namesDocument(t, naming, fileName) && !AUXILIARY.has(t.surface.toLowerCase()) && !PRONOUN.test(t.surface));
  if (terms.length === 0) return null;
  const at = (t: QuestionTerm) => question.indexOf(t.surface);
  // "Which levels …", "What graft …": the word right after the wh-word is the kind of answer, which the sentence instantiates.
  const category = wh && /^(?:what|which)$/i.test(wh[0]) ? terms.find((t) => new RegExp(`^\\s+${escape(t.surface)}\\b`, "i").test(question.slice(whAt + wh[0].length))) : undefined;
  const isName = (t: QuestionTerm) => /^\p{Lu}/u.test(t.surface) && at(t) > 0;
  // "How large …", "How severe …": the word after "how" shapes the question too.
  const shape = (t: QuestionTerm) => /\bhow\s+$/i.test(question.slice(0, at(t)));
  // What the question asks about, as the gate and the claim check see it (the head of the noun phrase
  // after the wh-word: "What screw fixed …" → screw, not the verb); else the first plain word after it.
  const asked = focusTerm(question, questionTerms(question));
  // A yes/no question asks whether its subject ("a royalty") holds; its verb ("pay") may go unsaid ("royalty-free").
  const polarSubject = POLAR.test(question) ? terms.find((t) => !isName(t) && answerability.terms.some((v) => v.key === t.key && v.subject)) : undefined;
  const focus =
    polarSubject ??
    terms.find((t) => asked !== null && t.key === asked.key) ??
    terms.find((t) => t !== category && !isName(t) && !shape(t) && at(t) >= whAt) ??
    terms.find((t) => t !== category && at(t) >= whAt) ??
    terms[0];
  // What follows a preposition after the focus ("… for the left heart catheterization", "under the PivX
  // agreement") places the question; the sentence that answers it need not repeat it.
  const context = CONTEXT_PREPOSITION.exec(question.slice(at(focus) + focus.surface.length));
  const contextAt = context ? at(focus) + focus.surface.length + context.index : Infinity;
  // The verb of a passive question ("was … performed", "was left in") asks that the thing happened; a report
  // says what was done in its own words, or in none ("TUBES AND DRAINS: An 8-French Zaontz catheter.").
  const passiveVerb = (t: QuestionTerm) =>
    /\b(?:was|were|is|are|been|be)\b/i.test(question.slice(whAt, at(t))) && (/ed$/i.test(t.surface) || IRREGULAR_PARTICIPLE.has(t.surface.toLowerCase()));
  // Whose the asked-about thing is ("the Catholic priest's weight", "the Licensee's use") says which
  // patient or party, as a name does: the sentence that answers need not repeat it.
  const possessor = (t: QuestionTerm) => t !== focus && new RegExp(`\\b${escape(t.surface)}['’]s\\b`, "i").test(question);
  // Names and defined terms ("Detto", "the Customer") identify the document more than the sentence.
  // A clause type asked about ("audit") must be in the sentence, or in the one before it that the sentence
  // continues ("… due to a Force Majeure … If such period exceeds 1 month"): a records-keeping sentence is no audit right.
  const clauseAsked = clauseTerms(terms);
  // An everyday verb says the relation in the user's words ("What blade made the incisions" — "were created with";
  // "Which courts hear disputes" — "shall be brought before"); a rare one ("audit", "indemnify") is a term of art.
  const everydayVerb = (t: QuestionTerm) => !t.key.includes(" ") && !clauseAsked.includes(t) && usuallyVerb(t.surface) && isEverydayWord(t.key);
  // A clause type of several words ("force majeure") is required there; its words already count one by one.
  const weight = (t: QuestionTerm) =>
    t !== focus && t.key.includes(" ") && clauseAsked.includes(t)
      ? 0
      : t === focus ? 1 : t === category ? 0.4 : isName(t) || at(t) > contextAt || shape(t) || passiveVerb(t) || possessor(t) ? 0.25 : 1;
  // Such a verb costs little where the sentence says it otherwise, and counts in full where it says it ("governed by").
  const optionalVerb = (t: QuestionTerm) => t !== focus && t !== category && weight(t) === 1 && everydayVerb(t);
  const totalWithout = terms.reduce((sum, t) => sum + (optionalVerb(t) ? 0.25 : weight(t)), 0);
  const expect = expectedAnswer(question);
  // "How many stock options …": the words between "how many" and the focus qualify what is counted.
  const countOf = new RegExp(`\\bhow many\\s+(?:[\\p{L}-]+\\s+){0,2}${escape(focus.surface)}\\b`, "iu").test(question);
  explain?.(`terms ${terms.map((t) => `${t.key}:${optionalVerb(t) ? "verb" : weight(t)}`).join(", ")}; focus ${focus.key}; expect ${expect}`);

  const termWords = new Set(terms.flatMap((t) => t.alternatives.flat()));
  const questionWords = [...new Set(textWords(question.slice(whAt)).map((w) => w.w))].filter((w) => !termWords.has(w) && !STOP.has(w) && !/^\d/.test(w) && w.length > 2);
  let best: (PassageSentence & { score: number }) | null = null;
  passages.forEach((p, i) => {
    if (docId !== undefined && answerability.named && p.documentId !== docId) return;
    let previous: ReturnType<typeof indexWords> | null = null;
    for (const s of candidateSentences(p.text)) {
      // A reference list's line ("[1] LuaJIT roadmap 2008 - http://…") answers nothing.
      if (/\bhttps?:\/\/|\bwww\./i.test(s.text)) continue;
      const index = indexWords(s.text);
      const before = previous;
      previous = index;
      const { hits, focusAt } = hitsIn(index, terms, focus);
      const covered = terms.filter((t) => hits.has(t)).reduce((sum, t) => sum + weight(t), 0);
      const total = totalWithout + terms.filter((t) => hits.has(t) && optionalVerb(t)).length * 0.75;
      let values = focusAt === undefined ? [] : expectedValues(s.text, index.words, expect, question);
      // Read with its continuation, the sentence is the subject and the continuation gives the value: a figure,
      // or for an open question a code or a name ("These were ligated with #3-0 silk suture").
      if (s.continuesAt !== undefined) {
        const named = (v: number) => index.words[v].start > s.continuesAt! && /^\p{Lu}/u.test(s.text.slice(index.words[v].start, index.words[v].end));
        values = values.filter((v) => index.words[v].start >= s.continuesAt! && (expect !== "any" || /^\d/.test(index.words[v].w) || named(v)));
      }
      // "How many users …": the count is of users, near the word.
      const near = countOf ? values.filter((v) => Math.abs(v - focusAt!) <= 4) : values;
      const why = focusAt === undefined ? "no focus" : clauseAsked.some((t) => !containsTerm(index, t) && !(before && containsTerm(before, t))) ? "no clause term" : covered < MIN_COVERAGE * total ? `covers ${covered.toFixed(2)}/${total.toFixed(2)}` : near.length === 0 ? `no ${expect}` : "";
      if (why) {
        if (hits.size >= 1) explain?.(`  [${i}] ${why}: ${s.text.slice(0, 140)}`);
        continue;
      }
      // Fewer words around the same hits: the sentence is about this, not a paragraph that mentions it.
      // And the value nearest the focus: the clause that answers, not a neighbour in the same sentence.
      // Measured from the focus phrase's nearer edge ("MRI brain, 3/6/95, showed …": "showed" is next to the date).
      const focusEnd = focusAt! + Math.max(0, ...focus.alternatives.filter((a) => a.every((w, k) => index.words[focusAt! + k]?.w === w)).map((a) => a.length - 1));
      const distance = Math.min(...near.map((v) => (v > focusEnd ? v - focusEnd : Math.abs(v - focusAt!))));
      // Between sentences that hold the same terms, the one saying more of the question's other words ("What did … show"
      // — "showed") is about it.
      const echoed = questionWords.filter((w) => index.at.has(w)).length;
      const score = covered * 100 - Math.min(20, distance) - Math.min(9, Math.floor(s.text.length / 60)) + 3 * echoed;
      explain?.(`  [${i}] score ${score.toFixed(1)}: ${s.text.slice(0, 140)}`);
      if (!best || score > best.score) best = { passage: i, start: s.start, end: s.end, text: s.text, score };
    }
  });
  if (!best) return null;
  const { score: _score, ...found } = best as PassageSentence & { score: number };
  return clip(found, passages[found.passage].text, [focus]);
}

/** A long sentence (transcribed reports run on) is cut to a window around its first required term. */
function clip(s: PassageSentence, text: string, required: readonly QuestionTerm[]): PassageSentence {
  if (s.end - s.start <= MAX_QUOTE) return s;
  const index = indexWords(s.text);
  const firstHit = Math.min(
    ...required.map((t) => {
      for (const alt of t.alternatives) {
        const w = index.words.findIndex((x) => x.w === alt[0]);
        if (w >= 0) return index.words[w].start;
      }
      return s.text.length;
    }),
  );
  let from = Math.max(0, text.lastIndexOf(" ", s.start + Math.max(0, firstHit - 80)) + 1 - s.start);
  if (from < 0 || firstHit - from > 80) from = Math.max(0, firstHit - 80);
  // Never start inside a word ("al endotracheal" for "General endotracheal"): on to the next word.
  while (from > 0 && from < firstHit && /[\p{L}\p{N}]/u.test(s.text[from - 1] ?? "")) from++;
  let to = s.text.lastIndexOf(" ", from + MAX_QUOTE);
  if (to <= from) to = Math.min(s.text.length, from + MAX_QUOTE);
  return { passage: s.passage, start: s.start + from, end: s.start + to, text: s.text.slice(from, to) };
}
