import type { PromptPassage } from "./prompt";
import { containsTerm, passageIndexText, questionTerms, type Answerability, type QuestionTerm } from "./utils/answerability";
import { indexWords } from "./utils/textWords";
import type { SearchHit, SearchQuery } from "@/vectorstore/types";

// A second look inside the one document the answer would come from. The gate counts a term as in
// the document when the document holds it anywhere (library statistics), but the passages the
// search gave may all miss it: "What is the term of the Coral Gold agreement" finds the preamble,
// not clause 2. Then the document is searched alone for those terms, and what holds them is added.

/** Subject terms of the question that the answer's document holds but none of its given passages do. */
export function termsMissingFromGiven(question: string, answerability: Answerability, given: readonly PromptPassage[]): QuestionTerm[] {
  const documentId = answerability.document?.documentId;
  if (!documentId || !answerability.answerable) return [];
  const verdicts = new Map(answerability.terms.map((v) => [v.key, v]));
  const indexes = given.filter((p) => p.documentId === documentId).map((p) => indexWords(passageIndexText(p)));
  return questionTerms(question).filter((t) => {
    const v = verdicts.get(t.key);
    return v !== undefined && v.subject && v.inDocument && !indexes.some((ix) => containsTerm(ix, t));
  });
}

/** The question's terms the answer's document holds, subjects first: what a passage of it must say to answer. */
export function termsInDocument(question: string, answerability: Answerability): QuestionTerm[] {
  const verdicts = new Map(answerability.terms.map((v) => [v.key, v]));
  const held = questionTerms(question).filter((t) => verdicts.get(t.key)?.inDocument);
  return [...held.filter((t) => verdicts.get(t.key)!.subject), ...held.filter((t) => !verdicts.get(t.key)!.subject)];
}

export interface DocumentSearch {
  search: (query: SearchQuery) => Promise<SearchHit[]>;
  question: string;
  vector: Float32Array;
  collections: string[];
  documentId: string;
  /** Terms a passage must hold (at least one); more of them, and of the question's, rank it higher. */
  want: readonly QuestionTerm[];
  /** Chunk ids already given. */
  exclude: ReadonlySet<string>;
  limit: number;
}

/** Passages of one document holding the wanted terms, not already given: the most wanted terms first, then the search's order. */
export async function documentPassages(s: DocumentSearch): Promise<SearchHit[]> {
  if (s.want.length === 0 || s.limit <= 0) return [];
  const query = `${s.want.map((t) => t.searchText).join(" ")} ${s.question}`;
  // The collection filter stays: narrowing to a document never widens what the caller may read.
  const hits = await s.search({ query, vector: s.vector, collections: s.collections, limit: Math.max(12, s.limit * 4), mode: "hybrid", documents: [s.documentId] });
  const all = questionTerms(s.question);
  return hits
    .filter((h) => h.documentId === s.documentId && !s.exclude.has(h.id))
    .map((h, rank) => {
      const index = indexWords(passageIndexText(h));
      const wanted = s.want.filter((t) => containsTerm(index, t)).length;
      return { h, rank, wanted, held: all.filter((t) => containsTerm(index, t)).length };
    })
    .filter((x) => x.wanted > 0)
    .sort((a, b) => b.wanted - a.wanted || b.held - a.held || a.rank - b.rank)
    .slice(0, s.limit)
    .map((x) => x.h);
}
