// Hybrid search latency at 10k and 100k chunks (dim 384, 10 collections), with a
// one-collection filter, after index creation. Run: npx tsx test/bench/search.ts
// BENCH_SIZES=10000 to run one size only; BENCH_ANN_MIN_ROWS / BENCH_ANN_TYPE override the index settings.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { connect } from "@lancedb/lancedb";
import { openVectorStore, type AnnIndexType, type SearchMode, type VectorStore } from "@/vectorstore";
import { makeCorpus, makeDocument, makeQuery, rng } from "./utils/syntheticCorpus";

const DIMS = 384;
const SIZES = (process.env.BENCH_SIZES ?? "10000,100000").split(",").map(Number);
const CHUNKS_PER_DOC = 200;
const QUERIES = 150;
const corpus = makeCorpus(DIMS, 300, 10);
const INDEX = {
  ...(process.env.BENCH_ANN_MIN_ROWS ? { annMinRows: Number(process.env.BENCH_ANN_MIN_ROWS) } : {}),
  ...(process.env.BENCH_ANN_TYPE ? { annIndexType: process.env.BENCH_ANN_TYPE as AnnIndexType } : {}),
};

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
async function vectorRecall(store: VectorStore, uri: string, n: number): Promise<{ recall: number; exact: Stats }> {
  const db = await connect(uri);
  const table = await db.openTable("chunks");
  const random = rng(4242);
  let found = 0;
  const exactMs: number[] = [];
  for (let i = 0; i < n; i++) {
    const q = makeQuery(corpus, random);
    const where = `collectionId = '${q.collections[0]}'`;
    const t = performance.now();
    const exact: { id: string }[] = await table.vectorSearch(q.vector).distanceType("cosine").where(where).bypassVectorIndex().select(["id", "_distance"]).limit(10).toArray();
    exactMs.push(performance.now() - t);
    const got = new Set((await store.hybridSearch({ query: "", vector: q.vector, collections: q.collections, limit: 10, mode: "vector" })).map((h) => h.id));
    found += exact.filter((e) => got.has(e.id)).length;
  }
  db.close();
  return { recall: round(found / (n * 10)), exact: stats(exactMs) };
}

async function benchSize(rows: number) {
  const uri = fs.mkdtempSync(path.join(os.tmpdir(), `cairn-bench-search-${rows}-`));
  const result: Record<string, unknown> = { rows, dimensions: DIMS, collections: corpus.collections.length, indexSettings: INDEX };
  try {
    const store = await openVectorStore({ uri, dimensions: DIMS, index: INDEX });
    const random = rng(rows);
    // Like the worker: write documents, call ensureIndexes after every batch of 20.
    let writeMs = 0;
    let indexMs = 0;
    let vectorIndexMs = 0;
    const docs = rows / CHUNKS_PER_DOC;
    for (let d = 0; d < docs; d++) {
      const chunks = makeDocument(corpus, d, CHUNKS_PER_DOC, random);
      let t = performance.now();
      await store.replaceDocumentChunks(`doc${d}`, chunks);
      writeMs += performance.now() - t;
      if ((d + 1) % 20 === 0 || d === docs - 1) {
        t = performance.now();
        const report = await store.ensureIndexes();
        const ms = performance.now() - t;
        indexMs += ms;
        if (report.created.includes("vector_idx")) vectorIndexMs = ms;
        if ((d + 1) % 100 === 0) console.error(`  ${(d + 1) * CHUNKS_PER_DOC} chunks, write ${round(writeMs / 1000)} s, index ${round(indexMs / 1000)} s`);
      }
    }
    // Until nothing is left to fold in.
    const t = performance.now();
    for (let i = 0; i < 3; i++) {
      const r = await store.ensureIndexes();
      result.vectorIndex = r.vectorIndex;
      if (r.created.length === 0 && !r.optimized) break;
    }
    indexMs += performance.now() - t;
    Object.assign(result, { writeSeconds: round(writeMs / 1000), indexSeconds: round(indexMs / 1000), vectorIndexBuildSeconds: round(vectorIndexMs / 1000) });
    result.writeMsPerDocument = round(writeMs / docs);
    store.close();

    const modes: Record<string, Stats> = {};
    const tuned = await openVectorStore({ uri, dimensions: DIMS });
    for (const mode of ["vector", "keyword", "hybrid"] as SearchMode[]) modes[mode] = await timeQueries(tuned, mode, QUERIES, 1);
    result.modes = modes;
    const recall = await vectorRecall(tuned, uri, 40);
    result.vectorRecallAt10 = recall.recall;
    result.exactVectorSearch = recall.exact;
    tuned.close();

    // Reads that skip the per-query "newer version?" check (single-process use).
    const noCheck = await openVectorStore({ uri, dimensions: DIMS, readConsistencyIntervalSeconds: null });
    result.hybridWithoutConsistencyCheck = await timeQueries(noCheck, "hybrid", QUERIES, 1);
    noCheck.close();

    if (result.vectorIndex !== "none") {
      const tuning = [];
      const settings: { nprobes?: number; refineFactor?: number; ef?: number }[] = [{ nprobes: 10 }, { nprobes: 40 }, { ef: 100 }, { nprobes: 20, refineFactor: 2 }];
      for (const search of settings) {
        const s = await openVectorStore({ uri, dimensions: DIMS, search });
        tuning.push({ ...search, vector: await timeQueries(s, "vector", 60, 3), recallAt10: (await vectorRecall(s, uri, 30)).recall });
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
console.log("rows     index        mode      p50     p95     mean   | write s  index s  recall@10");
for (const r of results) {
  const modes = r.modes as Record<string, Stats>;
  for (const [mode, s] of Object.entries(modes))
    console.log(
      `${String(r.rows).padEnd(8)} ${String(r.vectorIndex).padEnd(12)} ${mode.padEnd(8)} ${String(s.p50).padStart(6)}  ${String(s.p95).padStart(6)}  ${String(s.mean).padStart(6)}   | ${String(r.writeSeconds).padStart(7)}  ${String(r.indexSeconds).padStart(7)}  ${r.vectorRecallAt10}`,
    );
  const nc = r.hybridWithoutConsistencyCheck as Stats;
  console.log(`${String(r.rows).padEnd(8)} (no read-consistency check) hybrid p50 ${nc.p50} p95 ${nc.p95}`);
  const ex = r.exactVectorSearch as Stats;
  console.log(`${String(r.rows).padEnd(8)} exact (flat, index bypassed) vector search: p50 ${ex.p50} p95 ${ex.p95}`);
  console.log(`${String(r.rows).padEnd(8)} writes ${r.writeMsPerDocument} ms/document of ${CHUNKS_PER_DOC} chunks; index upkeep ${r.indexSeconds} s total, ANN build ${r.vectorIndexBuildSeconds} s`);
  for (const { vector, recallAt10, ...knobs } of (r.vectorTuning as { vector: Stats; recallAt10: number }[] | undefined) ?? [])
    console.log(`${String(r.rows).padEnd(8)} vector ${JSON.stringify(knobs)}: p50 ${vector.p50} p95 ${vector.p95} recall@10 ${recallAt10}`);
}

fs.mkdirSync("bench-results", { recursive: true });
const loadAverage = os.loadavg().map(round);
console.log(`load average at the end: ${loadAverage.join(" ")} on ${os.cpus().length} CPUs (the machine is shared; latencies vary with it)`);
fs.writeFileSync("bench-results/search.json", JSON.stringify({ date: new Date().toISOString(), cpus: os.cpus().length, loadAverage, results }, null, 2));
console.log("\nwrote bench-results/search.json");
