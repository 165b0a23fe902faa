import { reciteSentences, removeSpans, type Recitation, type ResolvedAnswer } from "./citations";
import type { UsedPassage } from "./passageTypes";
import { checkSentence, preparePassages, stripMarkers, type SentenceVerdict } from "./utils/claimCheck";

// After generation and citation resolution: every sentence gets a verdict against the
// passages it cites, and sentences stating a figure or name that no given passage holds are
// withheld from the final answer. The streamed tokens were shown as they came; what is
// rendered and saved afterwards is this.

export type { SentenceVerdict };

export interface VerifiedSentence {
  /** Offsets into the final answer. */
  start: number;
  end: number;
  text: string;
  citations: number[];
  verdict: SentenceVerdict;
  /** Figures, names and rare terms the sentence states. */
  claims: string[];
  /** Those not found in the passages it cites. */
  missingClaims: string[];
  /** Where in the cited pages its words are: page-text offsets (the passage's charStart applied). */
  support: { n: number; charStart: number; charEnd: number }[];
}

export interface WithheldSentence {
  text: string;
  /** The figures or names no given passage contains; empty for a sentence that states nothing. */
  values: string[];
  /** opposite_of_passage: its words are in the passage, but the passage says the negated twin ("discontinue aspirin"); `values` holds the sentence's pair. */
  /** not_in_cited / uncited: a summary's sentence not verified against the passages it cites, or citing none (summaries show verified sentences only). */
  reason: "value_not_in_passages" | "incomplete" | "opposite_of_passage" | "not_in_cited" | "uncited";
}

/** A sentence whose values are not in the passage it cites (or that cites none) but all are in another given passage: cited there instead, by wording. */
export interface RecitedSentence {
  text: string;
  /** What the model cited (empty: nothing). */
  from: number[];
  to: number;
}

export interface VerifiedAnswer {
  resolved: ResolvedAnswer;
  sentences: VerifiedSentence[];
  withheld: WithheldSentence[];
  recited: RecitedSentence[];
}

// DECLINE_PHRASE (lib/prompt), and the ways small models say it anyway. Recognised, never relied on.
const DECLINE =
  /\b(?:do(?:es)?\s*n[o']t|doesn't|don't|did not|didn't)\s+(?:say|mention|contain|state|specify|provide|include|give|list|report)\b|\bno (?:information|mention|details?|data)\b|\bnot (?:mentioned|specified|stated|provided|given|listed|found)\b|^i (?:could not|couldn't|cannot|can't) find/i;

/** What a passage is known by: its file's name (without the extension: ".pdf" vouches for nothing) and heading. */
export function passageLabel(hit: { fileName?: string; headingPath: string }): string {
  return `${(hit.fileName ?? "").replace(/\.[a-z0-9]{1,5}$/i, "")}\n${hit.headingPath}`;
}

export function isDecline(sentence: string): boolean {
  return DECLINE.test(stripMarkers(sentence).trim());
}

/**
 * `namedDocument`: the document the question is about, when it names one; a sentence citing
 * only other documents' passages is then never verified (a dose from another patient's report).
 */
export function verifyAnswer(
  resolved: ResolvedAnswer,
  used: readonly UsedPassage[],
  question: string,
  namedDocument: string | null = null,
  /** Single question words the answerability gate judged phrasing, not subject: not claims. */
  phrasing: ReadonlySet<string> = new Set(),
): VerifiedAnswer {
  // Claims are checked against what the model was given; a trimmed passage's whole chunk and its
  // header (title, parties) only vouch for the question's own names: the rest may be cut for time.
  const whole = (h: (typeof used)[number]["hit"]) => (h.trimmedFrom ? `${h.context ?? ""}\n${h.trimmedFrom.text}` : undefined);
  // A passage given with the one before it in the document (chunks overlap): that one's text before it starts.
  const before = (h: (typeof used)[number]["hit"]) => {
    const prev = used.find((v) => v.hit.documentId === h.documentId && v.hit.page === h.page && v.hit.charStart < h.charStart && v.hit.charEnd >= h.charStart)?.hit;
    return prev && !prev.trimmedFrom ? prev.text.slice(0, h.charStart - prev.charStart) : undefined;
  };
  const passages = preparePassages(
    used.map((u) => ({ n: u.n, documentId: u.hit.documentId, text: u.hit.text, label: passageLabel(u.hit), whole: whole(u.hit), before: before(u.hit) })),
  );
  const withheld: WithheldSentence[] = [];
  const cut: { start: number; end: number }[] = [];
  for (const s of resolved.sentences) {
    if (isDecline(s.text)) continue;
    const check = checkSentence(s.text, s.citations, passages, question, phrasing);
    if (check.invented.length > 0) withheld.push({ text: stripMarkers(s.text).trim(), values: check.invented, reason: "value_not_in_passages" });
    else if (check.opposite) withheld.push({ text: stripMarkers(s.text).trim(), values: [check.opposite], reason: "opposite_of_passage" });
    else if (check.incomplete) withheld.push({ text: stripMarkers(s.text).trim(), values: [], reason: "incomplete" });
    else continue;
    cut.push({ start: s.start, end: s.end });
  }
  const kept = cut.length > 0 ? removeSpans(resolved, cut, used) : resolved;

  // Small models often cite the wrong number, or none, for a value they copied from a passage.
  // Such a sentence is credited to the one passage that verifies it, marked as not cited by the model.
  const recitations: Recitation[] = [];
  const recited: RecitedSentence[] = [];
  const docOf = new Map(used.map((u) => [u.n, u.hit.documentId]));
  const offTopic = (cited: readonly number[]) => namedDocument !== null && cited.length > 0 && cited.every((n) => docOf.get(n) !== namedDocument);
  for (const s of kept.sentences) {
    if (isDecline(s.text)) continue;
    const own = checkSentence(s.text, s.citations, passages, question, phrasing);
    if ((own.verdict === "verified" && !offTopic(s.citations)) || own.claims.length === 0) continue;
    const other = passages
      .filter((p) => !s.citations.includes(p.n) && !offTopic([p.n]))
      .map((p) => ({ n: p.n, check: checkSentence(s.text, [p.n], passages, question, phrasing) }))
      .filter((c) => c.check.verdict === "verified")
      .sort((a, b) => b.check.support.length - a.check.support.length)[0];
    if (!other) continue;
    recitations.push({ sentence: s, n: other.n, coverage: 1 });
    recited.push({ text: stripMarkers(s.text).trim(), from: s.citations, to: other.n });
  }
  const final = reciteSentences(kept, recitations, used);
  const byN = new Map(used.map((u) => [u.n, u.hit]));
  const sentences = final.sentences.map((s): VerifiedSentence => {
    const check = checkSentence(s.text, s.citations, passages, question, phrasing);
    return {
      start: s.start,
      end: s.end,
      text: s.text,
      citations: s.citations,
      verdict: check.verdict === "verified" && offTopic(s.citations) ? "other_document" : check.verdict,
      claims: check.claims,
      missingClaims: check.missingClaims,
      support: (check.verdict === "verified" && offTopic(s.citations) ? [] : check.support).map((sp) => ({ n: sp.n, charStart: byN.get(sp.n)!.charStart + sp.start, charEnd: byN.get(sp.n)!.charStart + sp.end })),
    };
  });
  return { resolved: final, sentences, withheld, recited };
}
