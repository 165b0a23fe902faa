import { passageSource, type UsedPassage } from "./prompt";
import { questionTerms, termHits, type Answerability } from "./utils/answerability";
import { isEnglishWord } from "./utils/lexicon";
import { sentenceSpans } from "./utils/sentences";
import { phraseOf } from "./utils/textWords";

// Cairn's own words when it will not answer: what is not in the documents, and the closest
// thing that is, quoted verbatim with its citation. Never written by the model.

export type RefusalReason = "no_relevant_passages" | "terms_missing" | "model_declined" | "nothing_verified";

export interface Refusal {
  reason: RefusalReason;
  /** Subject terms of the question the documents lack, as the user wrote them. */
  missingTerms: string[];
  /** What the model wrote, when it was asked and its answer replaced (shown only on request, marked unverified). */
  modelAnswer?: string;
}

const MAX_QUOTE = 280;

/** Names, drugs and codes say best what is missing: when there are some, the plain words go unsaid. */
function mostTelling(terms: readonly string[]): string[] {
  const names = terms.filter((t) => phraseOf(t).some((w) => !isEnglishWord(w)));
  return names.length > 0 ? names : [...terms];
}

function list(terms: readonly string[]): string {
  const q = terms.map((t) => `“${t}”`);
  return q.length <= 1 ? q.join("") : `${q.slice(0, -1).join(", ")} or ${q[q.length - 1]}`;
}

/** The sentence of the passage that shares most of the question's terms, clipped to a readable length; with its offsets in the passage. */
function closestQuote(question: string, passage: UsedPassage): { text: string; start: number; end: number } {
  const terms = questionTerms(question);
  const sentences = sentenceSpans(passage.hit.text);
  let best = sentences[0] ?? { text: "", start: 0, end: 0 };
  let bestHits = -1;
  for (const s of sentences) {
    const hits = termHits(s.text, terms);
    if (hits > bestHits) {
      best = s;
      bestHits = hits;
    }
  }
  let end = best.end;
  // Reports flattened with commas for line breaks number their lists ",2.  Fentanyl": the next
  // item's number is not part of the quoted sentence.
  const marker = /,\s*\d{1,2}\.\s*$/.exec(passage.hit.text.slice(best.start, end));
  if (marker && marker.index > 0) end = best.start + marker.index;
  let clipped = false;
  if (end - best.start > MAX_QUOTE) {
    const cut = best.text.lastIndexOf(" ", MAX_QUOTE);
    end = best.start + (cut > 0 ? cut : MAX_QUOTE);
    clipped = true;
  }
  // Brackets in document text must not read as citation markers of the answer.
  const flat = passage.hit.text.slice(best.start, end).replace(/\s+/g, " ").replace(/\[/g, "(").replace(/\]/g, ")").trim();
  return { text: clipped ? `${flat} …` : flat, start: best.start, end };
}

export interface RefusalMessage {
  text: string;
  /** The quoted passage words: page-text offsets, for the citation's highlight. */
  quote: { n: number; charStart: number; charEnd: number } | null;
}

export function refusalMessage(reason: RefusalReason, answerability: Answerability | null, used: readonly UsedPassage[], question: string): RefusalMessage {
  const lead: string[] = [];
  if (reason === "terms_missing" && answerability) {
    if (answerability.absentEverywhere.length) lead.push(`Your documents don't mention ${list(mostTelling(answerability.absentEverywhere))}.`);
    // "lisinopril" in no document says it; that the report also lacks "dose" adds nothing.
    const named = mostTelling(answerability.absentEverywhere).some((t) => phraseOf(t).some((w) => !isEnglishWord(w)));
    const fromDocument = named ? answerability.absentFromDocument.filter((t) => phraseOf(t).some((w) => !isEnglishWord(w))) : answerability.absentFromDocument;
    if (fromDocument.length) lead.push(`${answerability.document?.fileName ?? "The closest document"} doesn't mention ${list(fromDocument)}.`);
    const figure = answerability.figureMissing;
    if (figure) lead.push(`${answerability.document?.fileName ?? "The closest document"} mentions “${figure.of}” but gives no ${figure.measure ?? "figure"} for it.`);
  } else if (reason === "nothing_verified") {
    lead.push("The model's answer could not be checked against the passages, so it is not shown.");
  } else {
    lead.push("I couldn't find the answer to this in your documents.");
  }
  const docId = answerability?.document?.documentId;
  const closest = used.find((u) => u.hit.documentId === docId) ?? used[0];
  if (!closest) return { text: lead.join(" "), quote: null };
  const quote = closestQuote(question, closest);
  lead.push(`The closest passage, in ${passageSource(closest.hit)}, reads: “${quote.text}” [${closest.n}].`);
  const at = closest.hit.charStart;
  return { text: lead.join(" "), quote: { n: closest.n, charStart: at + quote.start, charEnd: at + quote.end } };
}
