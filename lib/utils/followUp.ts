import type { ChatMessage } from "@/models/types";
import { contentTerms } from "./queryTerms";

// Follow-up questions ("and what about the second one?") name their subject only in
// earlier turns. We search with the earlier question(s) prepended, decided by a cheap,
// deterministic rule instead of an LLM rewrite: on one CPU the rewrite would cost a whole
// extra generation before retrieval can even start, a 270M–4B model rewrites unreliably
// (and can drop the subject it was meant to keep), and hybrid search tolerates the
// extra words. Standalone questions are left alone, so a change of topic is not diluted.

const OPENS_AS_FOLLOW_UP = /^\s*(and|but|or|also|so|then|what about|how about|same for|and what|what else|why not|ok|okay)\b/i;
const REFERS_BACK =
  /\b(it|its|it's|they|them|their|theirs|this|that|these|those|he|him|his|she|her|there|former|latter|same|one|ones|other|others|another|else|above|previous|first|second|third|fourth|last|next)\b/i;
/** How many user turns one search query may combine. */
const MAX_TURNS = 3;

export function isFollowUp(question: string): boolean {
  const terms = contentTerms(question).length;
  if (terms === 0) return true;
  if (OPENS_AS_FOLLOW_UP.test(question)) return true;
  return REFERS_BACK.test(question) && terms <= 3;
}

export interface SearchQueryText {
  query: string;
  /** True when earlier questions were folded in. */
  condensed: boolean;
}

/** The text to search with for `question`, given the conversation so far (oldest first). */
export function condenseQuery(question: string, history: readonly ChatMessage[] = []): SearchQueryText {
  // Each earlier user turn's own effective query, so follow-ups of follow-ups keep the subject.
  let turns: string[] = [];
  for (const m of history) {
    if (m.role !== "user" || m.content.trim() === "") continue;
    turns = turns.length > 0 && isFollowUp(m.content) ? [...turns, m.content.trim()] : [m.content.trim()];
  }
  const q = question.trim();
  if (turns.length === 0 || !isFollowUp(q)) return { query: q, condensed: false };
  // The first turn names the subject; keep it and the most recent follow-ups.
  const [subject, ...followUps] = turns;
  return { query: [subject, ...[...followUps, q].slice(-(MAX_TURNS - 1))].join(" "), condensed: true };
}
