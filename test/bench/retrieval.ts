// Retrieval on documents nobody here wrote: the dev set in test/fixtures/retrieval/questions.json
// (14 CUAD agreements, 12 MTSamples reports, rendered to PDF and a few DOCX, ingested by the
// worker into one collection, cached between runs) asked through lib/searchReadablePassages —
// what /api/search does — with the test embedder. A hit is a returned passage of the question's
// document covering at least half of the gold span; page-hit@5: a top-5 passage of that document
// on a page the gold span is on. Reports hit@1, hit@5, hit@10, MRR@10 and page-hit@5 per corpus.
// Questions naming a document are narrowed to it as /api/search does; BENCH_WIDEN=1 measures
// without that (every question searches all documents), BENCH_HEADING=1 with the section-heading
// boost (lib/headingBoost, off in the app), BENCH_STRIP=0 keeping the names in a narrowed query. The deps are /api/search's own (lib/searchReadablePassages).
// Run: npm run bench -- retrieval   (BENCH_REBUILD=1 re-ingests; BENCH_LABEL=name tags the run;
// BENCH_VERBOSE=1 lists the misses; BENCH_KEYWORD_WEIGHT, BENCH_RRF_K, BENCH_CLAUSE_WORDS=0|1 and
// BENCH_CLAUSE_HEADING override the narrowed ranking). The held-out agreement questions
// (test/fixtures/retrieval/heldout.json, written before any tuning and never tuned on) are the "heldout" row.
import fs from "node:fs";
import path from "node:path";
import { root } from "../../scripts/lib.mjs";
import { loadHeldOutQuestions, loadRetrievalQuestions, retrievalCorpusOf, uploadName, winAnsiSafe } from "../utils/retrievalQuestions";
import { openBenchApp } from "./utils/benchApp";
import { loadAverage, percentile, round } from "./utils/stats";

const app = await openBenchApp("retrieval");
const { documentCatalog } = await import("@/lib/searchReadablePassages");
const { searchPassagesScoped } = await import("@/lib/searchPassages");
const { HEADING_WEIGHT } = await import("@/lib/headingBoost");
const { passageSearchDeps } = await import("@/lib/keywordPassages");
const { documentNames } = await import("@/lib/askDeps");
const widen = process.env.BENCH_WIDEN === "1";
const headingWeight = process.env.BENCH_HEADING === "1" ? HEADING_WEIGHT : 0;
const stripNames = process.env.BENCH_STRIP !== "0";
// The narrowed ranking's knobs (lib/searchPassages NARROWED_RANKING), to measure variants.
const num = (v: string | undefined) => (v === undefined || v === "" ? undefined : Number(v));
const narrowedRanking = Object.fromEntries(
  Object.entries({
    keywordWeight: num(process.env.BENCH_KEYWORD_WEIGHT),
    k: num(process.env.BENCH_RRF_K),
    clauseWords: process.env.BENCH_CLAUSE_WORDS === undefined ? undefined : process.env.BENCH_CLAUSE_WORDS !== "0",
    clauseHeadingWeight: num(process.env.BENCH_CLAUSE_HEADING),
  }).filter(([, v]) => v !== undefined),
);
const { getVectorStore } = await import("@/lib/store");
const store = await getVectorStore();

interface GoldSpan {
  documentId: string;
  /** Pages (null for page-less formats) and page-text offsets the gold quote covers. */
  parts: { page: number | null; start: number; end: number }[];
  length: number;
}

/** Finds `quote` (whitespace-insensitive) in the document's pages as stored, joined in order. */
async function locateGold(documentId: string, quote: string): Promise<GoldSpan | null> {
  const chunks = await store.getChunks(documentId);
  const pages = [...new Set(chunks.map((c) => c.page))];
  let flat = "";
  const map: { page: number | null; offset: number }[] = [];
  for (const page of pages) {
    const onPage = chunks.filter((c) => c.page === page);
    const length = onPage.reduce((m, c) => Math.max(m, c.charEnd), 0);
    const chars: string[] = Array.from({ length }, () => " ");
    for (const c of onPage) for (let i = 0; i < c.text.length; i++) chars[c.charStart + i] = c.text[i]!;
    // Collapsed whitespace, with each kept character's page and offset.
    for (let i = 0; i < length; i++) {
      const ch = /\s/.test(chars[i]!) ? " " : chars[i]!;
      if (ch === " " && flat.endsWith(" ")) continue;
      flat += ch;
      map.push({ page, offset: i });
    }
    if (!flat.endsWith(" ")) {
      flat += " ";
      map.push({ page, offset: length });
    }
  }
  const needle = winAnsiSafe(quote).replace(/\s+/g, " ").trim();
  const at = flat.indexOf(needle);
  if (at < 0) return null;
  const parts: GoldSpan["parts"] = [];
  for (let i = at; i < at + needle.length; i++) {
    const m = map[i]!;
    const last = parts.at(-1);
    if (last && last.page === m.page) last.end = m.offset + 1;
    else parts.push({ page: m.page, start: m.offset, end: m.offset + 1 });
  }
  return { documentId, parts, length: parts.reduce((s, p) => s + p.end - p.start, 0) };
}

const covers = (hit: { documentId: string; page: number | null; charStart: number; charEnd: number }, gold: GoldSpan) => {
  if (hit.documentId !== gold.documentId) return false;
  const overlap = gold.parts
    .filter((p) => p.page === hit.page)
    .reduce((s, p) => s + Math.max(0, Math.min(p.end, hit.charEnd) - Math.max(p.start, hit.charStart)), 0);
  return overlap >= 0.5 * gold.length;
};

const docByName = new Map(app.corpus.summary.documents.map((d) => [d.name, d.id]));
// Held-out agreement questions (never tuned on) are reported as their own corpus.
const questions = [...loadRetrievalQuestions(), ...loadHeldOutQuestions()];
const rows: { id: string; corpus: string; format: string; rank: number | null; pageHit5: boolean; narrowed: "right" | "wrong" | "none"; top: string[]; ms: number }[] = [];
// Warm-up (embedder and store caches), not counted.
const searchDeps = { ...(await passageSearchDeps()), documentNames, catalog: documentCatalog, headingWeight, stripNames, narrowedRanking };
const collections = app.collections;
await searchPassagesScoped({ query: "governing law", collections, limit: 10, deps: searchDeps });
for (const q of questions) {
  const name = uploadName(q.file);
  const documentId = docByName.get(name);
  if (!documentId) throw new Error(`${name} is not in the corpus`);
  const gold = await locateGold(documentId, q.gold.quote);
  if (!gold) throw new Error(`gold quote of ${q.id} not found in ${name}`);
  const t = performance.now();
  const { results, narrowedTo } = await searchPassagesScoped({ query: q.question, collections, limit: 10, widen, deps: searchDeps });
  const ms = performance.now() - t;
  const hits = results.map((r) => r.hit);
  const idx = hits.findIndex((h) => covers(h, gold));
  const goldPages = new Set(gold.parts.map((p) => p.page));
  rows.push({
    id: q.id,
    corpus: retrievalCorpusOf(q),
    format: path.extname(name).slice(1),
    rank: idx < 0 ? null : idx + 1,
    pageHit5: hits.slice(0, 5).some((h) => h.documentId === documentId && goldPages.has(h.page)),
    narrowed: narrowedTo.length === 0 ? "none" : narrowedTo.some((d) => d.documentId === documentId) ? "right" : "wrong",
    top: hits.slice(0, 3).map((h) => `${(h.fileName ?? h.documentId).slice(0, 24)} p${h.page ?? "-"} ${h.headingPath.slice(0, 30)}`),
    ms,
  });
}

function summarize(rs: typeof rows) {
  const n = rs.length;
  const at = (k: number) => round(rs.filter((r) => r.rank !== null && r.rank <= k).length / n, 3);
  return {
    questions: n,
    hit1: at(1),
    hit5: at(5),
    hit10: at(10),
    mrr10: round(rs.reduce((s, r) => s + (r.rank ? 1 / r.rank : 0), 0) / n, 3),
    pageHit5: round(rs.filter((r) => r.pageHit5).length / n, 3),
    narrowedRight: rs.filter((r) => r.narrowed === "right").length,
    narrowedWrong: rs.filter((r) => r.narrowed === "wrong").length,
  };
}
const corpora = [...new Set(rows.map((r) => r.corpus))];
const summary: Record<string, ReturnType<typeof summarize>> = Object.fromEntries([...corpora.map((c) => [c, summarize(rows.filter((r) => r.corpus === c))]), ["all", summarize(rows)]]);
const latency = { p50: round(percentile(rows.map((r) => r.ms), 50), 1), p95: round(percentile(rows.map((r) => r.ms), 95), 1) };

console.log(`retrieval dev set: ${questions.length} questions over ${docByName.size} documents (${app.corpus.summary.documents.reduce((s, d) => s + d.chunks, 0)} chunks), embedder ${app.corpus.summary.embedder}`);
const { NARROWED_RANKING } = await import("@/lib/searchPassages");
console.log(`narrowed ranking: ${JSON.stringify({ ...NARROWED_RANKING, ...narrowedRanking })}`);
console.log(`narrowing to named documents: ${widen ? "off (BENCH_WIDEN=1)" : "on"}; heading boost: ${headingWeight === 0 ? "off" : "on (BENCH_HEADING=1)"}; names stripped from a narrowed query: ${stripNames ? "yes" : "no (BENCH_STRIP=0)"}`);
console.log("corpus      n   hit@1  hit@5  hit@10  MRR@10  page-hit@5  narrowed right/wrong");
for (const [c, s] of Object.entries(summary))
  console.log(`${c.padEnd(10)} ${String(s.questions).padStart(3)}   ${s.hit1.toFixed(2)}   ${s.hit5.toFixed(2)}   ${s.hit10.toFixed(2)}    ${s.mrr10.toFixed(2)}    ${s.pageHit5.toFixed(2)}        ${s.narrowedRight}/${s.narrowedWrong}`);
console.log(`search through lib (embed + hybrid + names): p50 ${latency.p50} ms, p95 ${latency.p95} ms; load ${loadAverage().join(" ")}`);
if (process.env.BENCH_VERBOSE)
  for (const r of rows.filter((r) => r.rank !== 1)) console.log(`  ${r.id}: rank ${r.rank ?? "-"}; top: ${r.top.join(" | ")}`);

// BENCH_NARROWED_LATENCY=1: the store-side cost of the clause ranking (pool of 30, weighted fusion,
// longer keyword query) against the plain narrowed search, same query vectors, interleaved in this process.
let narrowedLatency: Record<string, unknown> | undefined;
if (process.env.BENCH_NARROWED_LATENCY === "1" && searchDeps.embedder) {
  const { findNamedDocuments, searchNamed, withoutNames } = await import("@/lib/namedDocuments");
  const { clauseRankedQuery } = await import("@/lib/clauseTopics");
  const catalog = documentCatalog(collections);
  const ms = { plain: [] as number[], clause: [] as number[] };
  for (const q of questions) {
    const named = findNamedDocuments(q.question, catalog);
    if (named.length === 0) continue;
    const text = withoutNames(q.question, named.flatMap((d) => d.matched));
    const [vector] = await searchDeps.embedder.embed([text]);
    const plain = { query: text, vector, collections, limit: 10, mode: "hybrid" as const };
    const ranked = clauseRankedQuery(plain, q.question);
    for (let r = 0; r < 3; r++) {
      let t = performance.now();
      await searchNamed(searchDeps.search, plain, named);
      ms.plain.push(performance.now() - t);
      t = performance.now();
      await searchNamed(searchDeps.search, ranked.q, named, { order: ranked.order, pool: ranked.pool });
      ms.clause.push(performance.now() - t);
    }
  }
  const at = (xs: number[], p: number) => round(percentile(xs, p), 1);
  narrowedLatency = { n: ms.plain.length, plain: { p50: at(ms.plain, 50), p95: at(ms.plain, 95) }, clause: { p50: at(ms.clause, 50), p95: at(ms.clause, 95) } };
  console.log(`narrowed store search (no embedding), ${ms.plain.length} runs each: plain p50 ${at(ms.plain, 50)} / p95 ${at(ms.plain, 95)} ms; clause-ranked p50 ${at(ms.clause, 50)} / p95 ${at(ms.clause, 95)} ms; p50 ratio ${round(at(ms.clause, 50) / at(ms.plain, 50), 2)}; load ${loadAverage().join(" ")}`);
}

fs.mkdirSync(path.join(root, "bench-results"), { recursive: true });
const label = process.env.BENCH_LABEL ?? "latest";
fs.writeFileSync(
  path.join(root, "bench-results", `retrieval-${label}.json`),
  JSON.stringify({ date: new Date().toISOString(), label, widen, narrowedRanking, narrowedLatency, headingBoost: headingWeight !== 0, stripNames, corpusVersion: app.corpus.summary.version, summary, latency, rows }, null, 2),
);
await app.close();
app.remove();
process.exit(0);
