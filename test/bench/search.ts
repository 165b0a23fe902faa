// Hybrid search latency at 10k and 100k chunks (dim 384, 10 collections), with a
// one-collection filter, after index creation. Run: npx tsx test/bench/search.ts
// BENCH_SIZES=10000 to run one size only.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { connect } from "@lancedb/lancedb";
import { openVectorStore, type SearchMode, type VectorStore } from "@/vectorstore";
import { makeCorpus, makeDocument, makeQuery, rng } from "./utils/syntheticCorpus";

const DIMS = 384;
const SIZES = (process.env.BENCH_SIZES ?? "10000,100000").split(",").map(Number);
const CHUNKS_PER_DOC = 200;
const QUERIES = 150;
const corpus = makeCorpus(DIMS, 300, 10);

interface Stats {
  p50: number;
  p95: number;
  mean: number;
  n: number;
}

function stats(ms: number[]): Stats {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { p50: round(at(0.5)), p95: round(at(0.95)), mean: round(s.reduce((a, b) => a + b, 0) / s.length), n: s.length };
}
const round = (x: number) => Math.round(x * 100) / 100;

async function timeQueries(store: VectorStore, mode: SearchMode, n: number, seed: number): Promise<Stats> {
  const random = rng(seed);
  const queries = Array.from({ length: n + 10 }, () => makeQuery(corpus, random));
  const ms: number[] = [];
  for (const [i, q] of queries.entries()) {
    const t = performance.now();
    await store.hybridSearch({ query: q.text, vector: q.vector, collections: q.collections, limit: 10, mode });
    if (i >= 10) ms.push(performance.now() - t); // first 10 warm caches
  }
  return stats(ms);
}

/** recall@10 of the store's vector mode against exact (index-bypassing) filtered search. */
async function vectorRecall(store: VectorStore, uri: string, n: number): Promise<number> {
  const db = await connect(uri);
  const table = await db.openTable("chunks");
  const random = rng(4242);
  let found = 0;
  for (let i = 0; i < n; i++) {
    const q = makeQuery(corpus, random);
    const where = `collectionId = '${q.collections[0]}'`;
    const exact: { id: string }[] = await table.vectorSearch(q.vector).distanceType("cosine").where(where).bypassVectorIndex().select(["id", "_distance"]).limit(10).toArray();
    const got = new Set((await store.hybridSearch({ query: "", vector: q.vector, collections: q.collections, limit: 10, mode: "vector" })).map((h) => h.id));
    found += exact.filter((e) => got.has(e.id)).length;
  }
  db.close();
  return round(found / (n * 10));
}

async function benchSize(rows: number) {
  const uri = fs.mkdtempSync(path.join(os.tmpdir(), `cairn-bench-search-${rows}-`));
  const result: Record<string, unknown> = { rows, dimensions: DIMS, collections: corpus.collections.length };
  try {
    const store = await openVectorStore({ uri, dimensions: DIMS });
    const random = rng(rows);
    let t = performance.now();
    for (let d = 0; d < rows / CHUNKS_PER_DOC; d++) await store.replaceDocumentChunks(`doc${d}`, makeDocument(corpus, d, CHUNKS_PER_DOC, random));
    result.ingestSeconds = round((performance.now() - t) / 1000);

    if (rows >= 50_000) result.vectorFlatBeforeIndex = await timeQueries(store, "vector", 30, 7);

    t = performance.now();
    const reports = [];
    for (let i = 0; i < 4; i++) {
      const r = await store.ensureIndexes();
      reports.push(r);
      if (r.created.length === 0 && !r.optimized) break;
    }
    result.indexSeconds = round((performance.now() - t) / 1000);
    result.vectorIndex = reports.at(-1)!.vectorIndex;
    store.close();

    const modes: Record<string, Stats> = {};
    const tuned = await openVectorStore({ uri, dimensions: DIMS });
    for (const mode of ["vector", "keyword", "hybrid"] as SearchMode[]) modes[mode] = await timeQueries(tuned, mode, QUERIES, 1);
    result.modes = modes;
    result.vectorRecallAt10 = await vectorRecall(tuned, uri, 40);
    tuned.close();

    // Reads that skip the per-query "newer version?" check (single-process use).
    const noCheck = await openVectorStore({ uri, dimensions: DIMS, readConsistencyIntervalSeconds: null });
    result.hybridWithoutConsistencyCheck = await timeQueries(noCheck, "hybrid", QUERIES, 1);
    noCheck.close();

    if (result.vectorIndex !== "none") {
      const tuning = [];
      for (const [nprobes, refineFactor] of [[10, undefined], [20, undefined], [20, 2], [40, 2]] as const) {
        const s = await openVectorStore({ uri, dimensions: DIMS, search: { nprobes, refineFactor } });
        tuning.push({ nprobes, refineFactor: refineFactor ?? null, vector: await timeQueries(s, "vector", 60, 3), recallAt10: await vectorRecall(s, uri, 30) });
        s.close();
      }
      result.vectorTuning = tuning;
    }
  } finally {
    fs.rmSync(uri, { recursive: true, force: true });
  }
  return result;
}

const results = [];
for (const rows of SIZES) {
  console.error(`… ${rows} chunks`);
  results.push(await benchSize(rows));
}

console.log("\nhybridSearch, limit 10, one-collection filter (10 collections), ms");
console.log("rows     index        mode      p50     p95     mean   | ingest s  index s  recall@10");
for (const r of results) {
  const modes = r.modes as Record<string, Stats>;
  for (const [mode, s] of Object.entries(modes))
    console.log(
      `${String(r.rows).padEnd(8)} ${String(r.vectorIndex).padEnd(12)} ${mode.padEnd(8)} ${String(s.p50).padStart(6)}  ${String(s.p95).padStart(6)}  ${String(s.mean).padStart(6)}   | ${String(r.ingestSeconds).padStart(7)}  ${String(r.indexSeconds).padStart(7)}  ${r.vectorRecallAt10}`,
    );
  const nc = r.hybridWithoutConsistencyCheck as Stats;
  console.log(`${String(r.rows).padEnd(8)} (no read-consistency check) hybrid p50 ${nc.p50} p95 ${nc.p95}`);
  if (r.vectorFlatBeforeIndex) console.log(`${String(r.rows).padEnd(8)} flat vector before index: p50 ${(r.vectorFlatBeforeIndex as Stats).p50} p95 ${(r.vectorFlatBeforeIndex as Stats).p95}`);
  for (const t of (r.vectorTuning as { nprobes: number; refineFactor: number | null; vector: Stats; recallAt10: number }[] | undefined) ?? [])
    console.log(`${String(r.rows).padEnd(8)} vector nprobes=${t.nprobes} refine=${t.refineFactor ?? "-"}: p50 ${t.vector.p50} p95 ${t.vector.p95} recall@10 ${t.recallAt10}`);
}

fs.mkdirSync("bench-results", { recursive: true });
fs.writeFileSync("bench-results/search.json", JSON.stringify({ date: new Date().toISOString(), cpus: os.cpus().length, results }, null, 2));
console.log("\nwrote bench-results/search.json");
