import type { SearchHit, SearchQuery } from "@/vectorstore/types";

// Within one agreement, "How long is the term?" must find the clause that says "shall commence
// on the Effective Date and continue for six (6) months", which shares one word with the question.
// The clause types agreements have (the usual contract-review list: governing law, term, renewal,
// termination, payment, fees, exclusivity, confidentiality, cure, assignment, force majeure,
// disputes, indemnity, liability, warranty, insurance/shipping) each carry the words their clauses
// are written in and the headings they sit under. A narrowed search adds those words to the
// keyword side of its query and moves passages under a matching heading up. The list is generic
// contract vocabulary, not tuned per question: the held-out questions (test/fixtures/retrieval/
// heldout.json) check that it carries over.

interface ClauseTopic {
  /** The question asks about this clause type. */
  asks: RegExp;
  /** Words such clauses are written in (added to the keyword query only). */
  words: string;
  /** A clause heading of this type ("12. Governing Law", "ARTICLE 4 TERM AND TERMINATION"). */
  heading: RegExp;
}

const TOPICS: ClauseTopic[] = [
  {
    asks: /\b(?:laws?|legislation)\b.*\b(?:govern|appl)|\bgovern(?:s|ing|ed)?\b.*\b(?:laws?|legislation)\b|\bjurisdiction\b/i,
    words: "governed construed accordance laws state governing law",
    heading: /governing law|applicable law|choice of law|\blaws?\b|jurisdiction/i,
  },
  {
    asks: /\b(?:term|how long|last|lasts|duration|in effect|expire|expires|end|ends)\b/i,
    words: "term commence continue period years months expire expiration effective date initial term",
    heading: /\bterm\b|duration|commencement|expiration/i,
  },
  {
    asks: /\b(?:renew|renews|renewal|renewed|extend|extended|extension)\b/i,
    words: "renew renewal renewed automatically extend extended additional period successive",
    heading: /renewal|extension|\bterm\b|duration/i,
  },
  { asks: /\b(?:terminat|cancel)/i, words: "terminate termination notice prior written days", heading: /terminat|cancel/i },
  { asks: /\b(?:pay|pays|paid|payment|payments|invoice|invoices)\b/i, words: "payment paid invoice within days due", heading: /payment|invoic|billing/i },
  {
    asks: /\b(?:fee|fees|price|prices|compensation|royalty|royalties)\b/i,
    words: "fee fees amount dollars pay compensation",
    heading: /\bfees?\b|compensation|consideration|pric(?:e|ing)|royalt/i,
  },
  { asks: /\bexclusiv/i, words: "exclusive non-exclusive sole exclusivity appoint grant right", heading: /exclusiv|appointment|grant/i },
  { asks: /\bconfidential/i, words: "confidential confidentiality information disclose years thereafter", heading: /confidential|non-disclosure/i },
  { asks: /\bcure\b|\bbreach/i, words: "cure cured breach default remedy days notice", heading: /breach|default|terminat/i },
  { asks: /\bassign/i, words: "assign assignment transfer consent", heading: /assign|transfer/i },
  { asks: /\bforce majeure\b|\bbeyond\b.*\bcontrol\b/i, words: "force majeure beyond reasonable control acts god", heading: /force majeure/i },
  { asks: /\bdisputes?\b|\barbitrat/i, words: "dispute arbitration settled resolved courts", heading: /dispute|arbitrat/i },
  { asks: /\bindemn/i, words: "indemnify indemnification defend hold harmless claims", heading: /indemn/i },
  { asks: /\bliab|\bdamages\b/i, words: "liable liability damages consequential indirect limitation", heading: /liabilit|damages/i },
  { asks: /\bwarrant/i, words: "warrant warranty warrants defects", heading: /warrant/i },
  { asks: /\binsurance\b|\bfreight\b|\bshipping\b/i, words: "insurance freight shipping costs", heading: /insurance|shipping|delivery|freight/i },
];

/** The clause types a question asks about. */
export function clauseTopicsOf(question: string): ClauseTopic[] {
  return TOPICS.filter((t) => t.asks.test(question));
}

/** The question's keyword query with the words its clause types are written in (unchanged if none). */
export function withClauseWords(keywordQuery: string, question: string): string {
  const words = clauseTopicsOf(question).map((t) => t.words);
  return words.length ? `${keywordQuery} ${words.join(" ")}` : keywordQuery;
}

// Clause labels inside a passage ("14.1 Governing Law", "ARTICLE 6 TERM"): a passage packing
// several small clauses has only the first in its heading path.
const INLINE_LABEL = /(?:^|\s)(?:\d+(?:\.\d+)*\.?|ARTICLE [IVXLC\d]+|Section \d+(?:\([a-z]\))?)\s+[A-Z][A-Za-z ]{2,40}/g;

/** Default weight of a heading match, in RRF score units (1/(k+1) is the top rank's share). */
export const CLAUSE_HEADING_WEIGHT = 0.02;

/**
 * Reorders `hits` (best first, scored by fusion) so a passage under a heading of the clause
 * type asked about moves up by `weight` (half for an outer heading). No clause type: unchanged.
 */
export function boostClauseHeadings<T extends Pick<SearchHit, "headingPath" | "text" | "score">>(hits: readonly T[], question: string, weight = CLAUSE_HEADING_WEIGHT): T[] {
  const topics = clauseTopicsOf(question);
  if (topics.length === 0 || weight === 0) return [...hits];
  const share = (labels: string) => topics.filter((t) => t.heading.test(labels)).length / topics.length;
  return hits
    .map((h, i) => {
      const path = h.headingPath ? h.headingPath.split(" > ") : [];
      const inline = (h.text.match(INLINE_LABEL) ?? []).join(" ");
      const own = share(`${path.at(-1) ?? ""} ${inline}`);
      const outer = share(path.slice(0, -1).join(" "));
      return { h, i, s: h.score + weight * Math.max(own, outer / 2) };
    })
    .sort((a, b) => b.s - a.s || a.i - b.i)
    .map((x) => x.h);
}

export interface NarrowedRanking {
  /** Keyword list's RRF weight against the vector list's 1, and RRF k. */
  keywordWeight: number;
  k: number;
  /** Add the words the asked-about clause type is written in to the keyword query (lib/clauseTopics). */
  clauseWords: boolean;
  /** Weight of a clause heading of the asked-about type (0: off). */
  clauseHeadingWeight: number;
}

/**
 * Inside one named agreement every passage shares the parties, and the test embedder ranks
 * boilerplate ("14. General Provisions") above the clause asked about, while BM25 on the clause's
 * words finds it. Measured with `npm run bench -- retrieval` (docs/notes/2026-12-01/issue-8.md):
 * agreements hit@1 0.61 → 0.79 against 1:1 fusion at k 60 without clause words.
 */
export const NARROWED_RANKING: NarrowedRanking = { keywordWeight: 2, k: 10, clauseWords: true, clauseHeadingWeight: CLAUSE_HEADING_WEIGHT };

/** Candidates per document fetched before the clause headings reorder them. */
const CLAUSE_POOL = 30;

/**
 * A search narrowed to named documents, for a question about a clause type: the keyword query
 * gets the clause's words, fusion leans on keywords, and `order` moves clause headings up over
 * `pool` candidates. Any other question: the query as it is.
 */
export function clauseRankedQuery(
  q: SearchQuery,
  question: string,
  overrides: Partial<NarrowedRanking> = {},
): { q: SearchQuery; order: <T extends Pick<SearchHit, "headingPath" | "text" | "score">>(hits: T[]) => T[]; pool: number } {
  if (clauseTopicsOf(question).length === 0) return { q, order: (hits) => hits, pool: 0 };
  const r = { ...NARROWED_RANKING, ...overrides };
  return {
    q: { ...q, query: r.clauseWords ? withClauseWords(q.query, question) : q.query, fusion: { keywordWeight: r.keywordWeight, k: r.k } },
    order: (hits) => boostClauseHeadings(hits, question, r.clauseHeadingWeight),
    pool: r.clauseHeadingWeight > 0 ? CLAUSE_POOL : 0,
  };
}
