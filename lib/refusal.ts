import { passageSource, type UsedPassage } from "./prompt";
import { questionTerms, termHits, type Answerability } from "./utils/answerability";
import { sentenceSpans } from "./utils/sentences";

// Cairn's own words when it will not answer: what is not in the documents, and the closest
// thing that is, quoted verbatim with its citation. Never written by the model.

export type RefusalReason = "no_relevant_passages" | "terms_missing" | "model_declined" | "nothing_verified";

export interface Refusal {
  reason: RefusalReason;
  /** Subject terms of the question the documents lack, as the user wrote them. */
  missingTerms: string[];
}

const MAX_QUOTE = 280;

function list(terms: readonly string[]): string {
  const q = terms.map((t) => `“${t}”`);
  return q.length <= 1 ? q.join("") : `${q.slice(0, -1).join(", ")} or ${q[q.length - 1]}`;
}

/** The sentence of the passage that shares most of the question's terms, clipped to a readable length. */
function closestQuote(question: string, passage: UsedPassage): string {
  const terms = questionTerms(question);
  const sentences = sentenceSpans(passage.hit.text);
  let best = sentences[0]?.text ?? "";
  let bestHits = -1;
  for (const s of sentences) {
    const hits = termHits(s.text, terms);
    if (hits > bestHits) {
      best = s.text;
      bestHits = hits;
    }
  }
  // Brackets in document text must not read as citation markers of the answer.
  const flat = best.replace(/\s+/g, " ").replace(/\[/g, "(").replace(/\]/g, ")").trim();
  if (flat.length <= MAX_QUOTE) return flat;
  const cut = flat.lastIndexOf(" ", MAX_QUOTE);
  return `${flat.slice(0, cut > 0 ? cut : MAX_QUOTE)} …`;
}

export function refusalText(reason: RefusalReason, answerability: Answerability | null, used: readonly UsedPassage[], question: string): string {
  const lead: string[] = [];
  if (reason === "terms_missing" && answerability) {
    if (answerability.absentEverywhere.length) lead.push(`Your documents don't mention ${list(answerability.absentEverywhere)}.`);
    if (answerability.absentFromDocument.length)
      lead.push(`${answerability.document?.fileName ?? "The closest document"} doesn't mention ${list(answerability.absentFromDocument)}.`);
  } else if (reason === "nothing_verified") {
    lead.push("I couldn't find this stated in your documents, so I'm not giving an answer I can't back with a passage.");
  } else {
    lead.push("I couldn't find the answer to this in your documents.");
  }
  const docId = answerability?.document?.documentId;
  const closest = used.find((u) => u.hit.documentId === docId) ?? used[0];
  if (closest) lead.push(`The closest passage, in ${passageSource(closest.hit)}, reads: “${closestQuote(question, closest)}” [${closest.n}].`);
  return lead.join(" ");
}
