import type { SearchHit } from "@/vectorstore/types";
import { contentTerms, matchedTerms } from "./queryTerms";

// The relevance gate. Hybrid search always returns its top-k, even for a question the
// documents know nothing about, and fused RRF scores are ranks, not relevance. So each
// hit is judged on two independent signals:
//  - keywords: enough of the query's content words (stemmed, stopwords removed) occur in
//    the passage — checked here, not trusted to the FTS index, whose tokenizer may match
//    "what" or "the";
//  - meaning: the embedding distance is within a threshold (for synonyms and paraphrase).
// A hit passing either is relevant; when none is, the answer is "nothing found" and the
// LLM is never called.

export interface RelevanceOptions {
  /** Largest vector distance counted as relevant, in the store's metric (cosine distance: 0 same … 2 opposite). */
  maxVectorDistance: number;
  /** Share of the query's content words a passage must contain (at least one word). */
  minKeywordCoverage: number;
}

export interface RelevanceVerdict {
  relevant: boolean;
  byKeywords: boolean;
  byVector: boolean;
  matched: number;
  queryTerms: number;
}

export function judgeRelevance(hit: SearchHit & { fileName?: string }, terms: readonly string[], opts: RelevanceOptions): RelevanceVerdict {
  // The document's name and the chunk's context header (title, parties) count: "… the hypospadias
  // repair" is answered by a passage of "Hypospadias Repair.txt" that never repeats the words.
  const name = (hit.fileName ?? "").replace(/\.[a-z0-9]{1,5}$/i, "");
  const matched = terms.length ? matchedTerms(`${name}\n${hit.context ?? ""}\n${hit.headingPath}\n${hit.text}`, terms).size : 0;
  const needed = Math.max(1, Math.ceil(opts.minKeywordCoverage * terms.length));
  const byKeywords = terms.length > 0 && matched >= needed;
  const byVector = hit.vectorDistance !== undefined && hit.vectorDistance <= opts.maxVectorDistance;
  return { relevant: byKeywords || byVector, byKeywords, byVector, matched, queryTerms: terms.length };
}

/** Splits hits into relevant and not, keeping retrieval order in both. */
export function partitionByRelevance<H extends SearchHit & { fileName?: string }>(hits: readonly H[], query: string, opts: RelevanceOptions) {
  const terms = contentTerms(query);
  const relevant: H[] = [];
  const notRelevant: H[] = [];
  for (const h of hits) (judgeRelevance(h, terms, opts).relevant ? relevant : notRelevant).push(h);
  return { relevant, notRelevant, terms };
}
