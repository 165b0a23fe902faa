// Embedder throughput by quantisation and thread count, and what Q8_0 costs in agreement:
// the pinned F16 test embedder against a Q8_0 one made by the project's converter (from the
// cached wheel), each loaded with 1 and 2 threads, embedding the same ~256-token chunks of
// the fixture agreements in interleaved rounds (so load drift hits every variant alike);
// cosine F16↔Q8_0 per chunk, and whether the nearest chunk for each answerability question is
// the same under both. Run: npm run bench -- embedder-quant   (BENCH_CHUNKS=n, BENCH_ROUNDS=n)
// The machine is shared: compare the chunks/s columns with each other, not with other runs.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadEmbedder, type LocalEmbedder } from "@/models/embedder";
import { buildTestEmbedderVariant } from "@/models/testModels/fetchTestModels";
import { root } from "../../scripts/lib.mjs";
import { loadAnswerabilityQuestions, sharedFixturesDir } from "../utils/answerabilityQuestions";
import { testModelPaths } from "../modelDependent/testModels";
import { loadAverage, median, round } from "./utils/stats";

const CHUNKS = Number(process.env.BENCH_CHUNKS) || 32;
const ROUNDS = Number(process.env.BENCH_ROUNDS) || 3;
const load0 = loadAverage();
const f16Path = testModelPaths().embedder;
const q8Path = await buildTestEmbedderVariant("q8_0", path.join(os.tmpdir(), "cairn-bench-embedder-variants"));

const variants: { quant: string; threads: number; embedder: LocalEmbedder; rates: number[] }[] = [];
for (const [quant, file] of [
  ["F16", f16Path],
  ["Q8_0", q8Path],
] as const) {
  for (const threads of [1, 2]) variants.push({ quant, threads, embedder: await loadEmbedder(file, { threads }), rates: [] });
}
const ref = variants[0]!.embedder;

// ~256-token chunks (the default chunk size) of the fixture agreements.
const dir = path.join(sharedFixturesDir, "contracts");
const words = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith(".txt"))
  .sort()
  .flatMap((f) => fs.readFileSync(path.join(dir, f), "utf8").split(/\s+/).filter(Boolean));
const chunks: string[] = [];
for (let i = 0; chunks.length < CHUNKS && i < words.length; i += Math.floor(words.length / CHUNKS)) {
  let n = 190;
  while (n > 20 && ref.countTokens(words.slice(i, i + n).join(" ")) > 256) n -= 10;
  chunks.push(words.slice(i, i + n).join(" "));
}
const tokens = chunks.reduce((s, c) => s + ref.countTokens(c), 0);

// Warm-up, then interleaved rounds.
for (const v of variants) await v.embedder.embed(chunks.slice(0, 2));
for (let r = 0; r < ROUNDS; r++) {
  for (const v of r % 2 ? [...variants].reverse() : variants) {
    const t0 = performance.now();
    await v.embedder.embed(chunks);
    v.rates.push(chunks.length / ((performance.now() - t0) / 1000));
  }
}

// Agreement: cosine per chunk, and the nearest chunk per question.
const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);
const a = await variants[0]!.embedder.embed(chunks);
const b = await variants[2]!.embedder.embed(chunks);
const cosines = a.map((v, i) => dot(v, b[i]!));
const questions = loadAnswerabilityQuestions("tuned").map((q) => q.question);
const qa = await variants[0]!.embedder.embed(questions);
const qb = await variants[2]!.embedder.embed(questions);
const nearest = (qv: Float32Array, vs: Float32Array[]) => vs.reduce((best, v, i) => (dot(qv, v) > dot(qv, vs[best]!) ? i : best), 0);
const sameTop = questions.filter((_, i) => nearest(qa[i]!, a) === nearest(qb[i]!, b)).length;

const base = median(variants[0]!.rates);
const rows = variants.map((v) => ({
  quant: v.quant,
  threads: v.threads,
  "file MB": round(fs.statSync(v.quant === "F16" ? f16Path : q8Path).size / 1e6, 1),
  "chunks/s (median of rounds)": round(median(v.rates), 2),
  "rounds": v.rates.map((x) => round(x, 2)).join(" "),
  "vs F16 1 thread": round(median(v.rates) / base, 2),
}));
const summary = {
  chunks: chunks.length,
  meanTokensPerChunk: round(tokens / chunks.length, 0),
  cosineF16vsQ8: { min: round(Math.min(...cosines), 5), median: round(median(cosines), 5) },
  nearestChunkSame: `${sameTop}/${questions.length} questions`,
  loadAverage: { start: load0, end: loadAverage() },
};
console.log(`\nembedder-quant bench on ${os.cpus().length} CPUs (shared machine: compare columns within this run)`);
console.table(rows);
console.log(JSON.stringify(summary, null, 2));
fs.mkdirSync(path.join(root, "bench-results"), { recursive: true });
fs.writeFileSync(path.join(root, "bench-results", "embedder-quant.json"), JSON.stringify({ date: new Date().toISOString(), rows, summary }, null, 2));
for (const v of variants) await v.embedder.dispose();
process.exit(0);
