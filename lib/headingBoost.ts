import type { SearchHit } from "@/vectorstore/types";
import { contentTerms, matchedTerms } from "./utils/queryTerms";

// Within one agreement every clause shares the parties' names; what tells "Governing Law" from
// "Notices" is often the clause's own heading. A passage whose section label holds the query's
// topic words ("term", "renewal", "blood loss") moves up, as a heading field weighs more than
// body text in BM25F. Rank-based, so it works the same on fused, vector or BM25 scores.

/** Per share of the topic words in the passage's own section label (half in an outer one), in rank-score units. */
export const HEADING_WEIGHT = 0.01;
const RANK_K = 60;
const GENERIC = new Set(contentTerms("agreement contract document report section clause article paragraph"));

/**
 * Reorders `hits` (best first) by 1/(60 + rank) plus the heading match. `namedBy`: words that
 * named the document (party names); they are in every passage's context, not a clause topic.
 */
export function boostByHeading<T extends Pick<SearchHit, "headingPath">>(hits: readonly T[], query: string, namedBy: readonly string[] = [], weight = HEADING_WEIGHT): T[] {
  const skip = new Set([...GENERIC, ...namedBy.flatMap((w) => contentTerms(w))]);
  const terms = contentTerms(query).filter((t) => !skip.has(t));
  if (terms.length === 0 || weight === 0) return [...hits];
  return hits
    .map((h, i) => {
      const labels = h.headingPath ? h.headingPath.split(" > ") : [];
      const own = matchedTerms(labels.at(-1) ?? "", terms);
      const outer = matchedTerms(labels.slice(0, -1).join(" "), terms);
      const match = terms.reduce((s, t) => s + (own.has(t) ? 1 : outer.has(t) ? 0.5 : 0), 0) / terms.length;
      return { h, i, s: 1 / (RANK_K + i + 1) + weight * match };
    })
    .sort((a, b) => b.s - a.s || a.i - b.i)
    .map((x) => x.h);
}
