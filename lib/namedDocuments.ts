import type { DocumentContextRow } from "@/core/db/queries";
import { clauseRankedQuery } from "./clauseTopics";
import type { Embedder } from "@/models/types";
import type { SearchHit, SearchQuery } from "@/vectorstore/types";
import { isEnglishWord, isEverydayWord } from "./utils/lexicon";
import { contentTerms } from "./utils/queryTerms";
import { phraseOf } from "./utils/textWords";

// Questions that name a document: "Which law governs the Kubient / Associated Press agreement?"
// names one agreement of forty by its parties. The names Cairn knows for each readable document
// (file name, title, preamble parties) are matched against the question; a document is named by
// a word of its names that no more than one other document has and that is not everyday English
// ("Kubient", "hypospadias"), or by a run of two or more of its name words ("Associated Press").
// Retrieval then searches the named documents only (inside the LanceDB query), each on its own
// so one never crowds out another, and the caller can widen to everything with one click.

export interface NamedDocument {
  documentId: string;
  fileName: string;
  /** The question's words that named it, as the question wrote them. */
  matched: string[];
}

/** More named documents than this: the words are not naming one (e.g. a product every file has). */
export const MAX_NAMED = 3;

// Words in file names and party names that name no particular document.
const NAME_NOISE = new Set(
  phraseOf(
    `agreement contract amendment exhibit ex inc incorporated llc ltd limited corp corporation company co plc sa gmbh llp lp the and of for
    part pdf docx doc txt md html report procedure manual final draft copy version rev holding holdings international group`,
  ),
);

interface NameEntry {
  documentId: string;
  fileName: string;
  words: Set<string>;
  /** Runs of name words (each a party name or the title), for phrase matches. */
  phrases: string[][];
}

/** "CnsPharmaceuticalsInc_2020_EX-10.1_Development Agreement.pdf" → the words a person would use. */
function fileNameText(fileName: string): string {
  return fileName
    .replace(/\.[a-z0-9]{1,5}$/i, "")
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .replace(/[_\-.,]+/g, " ");
}

const nameWords = (text: string) => phraseOf(text).filter((w) => w.length >= 2 && !/^\d/.test(w) && !NAME_NOISE.has(w));

interface NameIndex {
  names: NameEntry[];
  /** How many documents have each name word, and each pair of consecutive name words. */
  df: Map<string, number>;
  pairDf: Map<string, number>;
}

// The catalog changes only when documents are indexed; its index is kept for the last few catalogs.
const indexCache = new Map<string, NameIndex>();

function nameIndex(catalog: readonly DocumentContextRow[]): NameIndex {
  const key = catalog.map((d) => `${d.id}\u0000${d.name}\u0000${d.title}\u0000${d.parties.join("\u0000")}`).join("\u0001");
  const cached = indexCache.get(key);
  if (cached) return cached;
  const names = catalog.map((d): NameEntry => {
    const phrases = [fileNameText(d.name), d.title, ...d.parties].map(nameWords).filter((p) => p.length > 0);
    return { documentId: d.id, fileName: d.name, words: new Set(phrases.flat()), phrases };
  });
  const df = new Map<string, number>();
  const pairDf = new Map<string, number>();
  for (const e of names) {
    for (const w of e.words) df.set(w, (df.get(w) ?? 0) + 1);
    const pairs = new Set(e.phrases.flatMap((p) => p.slice(1).map((w, i) => `${p[i]} ${w}`)));
    for (const pair of pairs) pairDf.set(pair, (pairDf.get(pair) ?? 0) + 1);
  }
  const index = { names, df, pairDf };
  if (indexCache.size >= 8) indexCache.delete(indexCache.keys().next().value!);
  indexCache.set(key, index);
  return index;
}

/** The readable documents a question names (at most MAX_NAMED; none when it seems to name more). */
export function findNamedDocuments(question: string, catalog: readonly DocumentContextRow[]): NamedDocument[] {
  const { names, df, pairDf } = nameIndex(catalog);
  const raw = question.match(/[\p{L}\p{N}]+(?:['’]\p{L}+)*/gu) ?? [];
  const qWords = raw.map((r) => phraseOf(r)[0] ?? "");
  const distinctive = (w: string) => (df.get(w) ?? 0) <= 2 && w.length >= 3 && !isEverydayWord(w);

  const qPairs = qWords.slice(1).map((w, i) => `${qWords[i]} ${w}`);

  const found: (NamedDocument & { strong: boolean })[] = [];
  for (const e of names) {
    const matched = new Set<number>();
    let strong = false;
    qWords.forEach((w, i) => {
      if (!w) return;
      if (e.words.has(w) && distinctive(w)) {
        matched.add(i);
        strong ||= df.get(w) === 1;
        return;
      }
      // "cath" names "catheterization": a rare name word of 4+ letters starting a question word.
      if (w.length > 4)
        for (const n of e.words)
          if (n.length >= 4 && w.startsWith(n) && distinctive(n) && !isEnglishWord(n)) {
            matched.add(i);
            strong ||= df.get(n) === 1;
          }
    });
    // Two consecutive name words only this document has: "Associated Press", "Football Northwest".
    const own = new Set(e.phrases.flatMap((p) => p.slice(1).map((w, i) => `${p[i]} ${w}`)));
    qPairs.forEach((pair, i) => {
      if (own.has(pair) && pairDf.get(pair) === 1) {
        matched.add(i).add(i + 1);
        strong = true;
      }
    });
    if (matched.size > 0) found.push({ documentId: e.documentId, fileName: e.fileName, matched: [...matched].sort((a, b) => a - b).map((i) => raw[i]!), strong });
  }
  // A name only one document has outweighs a word two documents share ("reseller").
  const kept = found.some((f) => f.strong) ? found.filter((f) => f.strong) : found;
  return kept.length <= MAX_NAMED ? kept.map(({ strong: _, ...d }) => d) : [];
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The query without the words that named its documents: once narrowed to a document, its
 * parties' names are in every passage's header and only pull the search toward the preamble
 * (which repeats them); the clause topic is what is left. Unchanged if nothing would be left.
 */
export function withoutNames(query: string, matched: readonly string[]): string {
  let out = query;
  for (const w of new Set(matched)) out = out.replace(new RegExp(`(?<![\\p{L}\\p{N}])${escapeRe(w)}(?:['’]s)?(?![\\p{L}\\p{N}])`, "giu"), " ");
  out = out.replace(/\s+/g, " ").trim();
  return contentTerms(out).length > 0 ? out : query;
}

/** Share of a preferring search's results kept for the named documents; the rest come from everywhere. */
export const NAMED_SHARE = 0.7;

export interface PreferNamedOptions {
  /** Embeds the query without the names for the named documents' part (as /api/search does); without it, the query's own vector. */
  embedder?: Pick<Embedder, "embed">;
  /** Prefer nothing (the user widened the question to every document); the named ones are still reported. */
  widen?: boolean;
  /** Told, on each search, which documents its query names (for the answer to say so). */
  onNamed?: (named: NamedDocument[]) => void;
}

/**
 * A search that prefers the documents the query names (when it names any): their passages first
 * (each document on its own, ranked as a narrowed /api/search ranks them), then the best of the
 * others, so a wrongly recognised name never hides the rest of the library.
 */
export function preferringNamed(
  search: (q: SearchQuery) => Promise<SearchHit[]>,
  catalog: (collections: string[]) => readonly DocumentContextRow[],
  opts: PreferNamedOptions = {},
): (q: SearchQuery) => Promise<SearchHit[]> {
  return async (q) => {
    if (q.documents || q.collections.length === 0) return search(q);
    const named = findNamedDocuments(q.query, catalog(q.collections));
    opts.onNamed?.(named);
    if (named.length === 0 || opts.widen) return search(q);
    const limit = q.limit ?? 10;
    const ids = new Set(named.map((d) => d.documentId));
    // The names are in every passage's header of the named documents: search them for the topic.
    const text = withoutNames(q.query, named.flatMap((d) => d.matched));
    const vector = q.vector && opts.embedder && text !== q.query ? (await opts.embedder.embed([text]))[0] : q.vector;
    const ranked = clauseRankedQuery({ ...q, query: text, vector, limit: Math.max(1, Math.ceil(limit * NAMED_SHARE)) }, q.query);
    const [preferred, all] = await Promise.all([searchNamed(search, ranked.q, named, { order: ranked.order, pool: ranked.pool }), search(q)]);
    const seen = new Set(preferred.map((h) => h.id));
    return [...preferred, ...all.filter((h) => !seen.has(h.id) && !ids.has(h.documentId))].slice(0, limit);
  };
}

/**
 * The search narrowed to the named documents: each searched on its own (limit shared out), then
 * interleaved by rank, so every named document appears however strongly another one matches.
 */
export async function searchNamed(
  search: (q: SearchQuery) => Promise<SearchHit[]>,
  q: SearchQuery,
  named: readonly NamedDocument[],
  /** Reorders each document's list (e.g. boostByHeading) before they are interleaved; `pool` candidates each. */
  rerank?: { order: (hits: SearchHit[]) => SearchHit[]; pool: number },
): Promise<SearchHit[]> {
  const limit = q.limit ?? 10;
  const per = Math.max(1, Math.ceil(limit / named.length));
  const lists = await Promise.all(
    named.map(async (d) => {
      const hits = await search({ ...q, limit: Math.max(per, rerank?.pool ?? 0), documents: [d.documentId] });
      return (rerank ? rerank.order(hits) : hits).slice(0, named.length === 1 ? limit : per);
    }),
  );
  if (lists.length === 1) return lists[0]!;
  const out: SearchHit[] = [];
  for (let r = 0; out.length < limit && lists.some((l) => r < l.length); r++) for (const l of lists) if (r < l.length && out.length < limit) out.push(l[r]!);
  return out;
}
