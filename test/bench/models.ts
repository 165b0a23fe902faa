import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { LlamaChatSession, type LlamaModel } from "node-llama-cpp";
import { loadEmbedder } from "@/models/embedder";
import { loadLanguageModel } from "@/models/llm";
import { getLlamaInstance } from "@/models/utils/llamaInstance";
import { testModelPaths } from "../modelDependent/testModels";

// Models benchmark: LLM prompt/generation speed through models/llm.ts vs plain node-llama-cpp on the
// same prompt and settings, and embedder throughput on 256-token chunks.
// `npx tsx test/bench/models.ts` (BENCH_THREADS=n to pin the thread count; default all math cores).

const REPS = Number(process.env.BENCH_REPS) || 3;
const GEN_TOKENS = 48;
const CONTEXT = 2048;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const paths = testModelPaths();
const llama = await getLlamaInstance();
const threads = Number(process.env.BENCH_THREADS) || llama.cpuMathCores;
const prompt = `Read the following maintenance note and summarize it.\n\n${"Before maintenance, close the suction and discharge valves of pump P-101, lock out the motor breaker, drain the casing and verify zero pressure on the gauge. ".repeat(12)}`;

interface Timing {
  promptTps: number;
  genTps: number;
}

/** First-token latency gives prompt speed; the spacing of later tokens gives generation speed. */
function timingFrom(start: number, stamps: number[], promptTokens: number): Timing {
  const first = stamps[0]!;
  const last = stamps.at(-1)!;
  return { promptTps: promptTokens / ((first - start) / 1000), genTps: (stamps.length - 1) / ((last - first) / 1000) };
}

async function oursOnce(llm: Awaited<ReturnType<typeof loadLanguageModel>>): Promise<Timing> {
  const stamps: number[] = [];
  const start = performance.now();
  const res = await llm.generate([{ role: "user", content: prompt }], {
    maxTokens: GEN_TOKENS,
    temperature: 0,
    onToken: () => stamps.push(performance.now()),
  });
  return timingFrom(start, stamps, res.promptTokens);
}

async function rawOnce(model: LlamaModel): Promise<Timing> {
  const context = await model.createContext({ contextSize: CONTEXT, sequences: 1, threads });
  try {
    const session = new LlamaChatSession({ contextSequence: context.getSequence() });
    const stamps: number[] = [];
    const promptTokens = session.chatWrapper
      .generateContextState({ chatHistory: [{ type: "user", text: prompt }, { type: "model", response: [] }] })
      .contextText.tokenize(model.tokenizer).length;
    const start = performance.now();
    await session.prompt(prompt, { maxTokens: GEN_TOKENS, temperature: 0, onTextChunk: () => stamps.push(performance.now()) });
    return timingFrom(start, stamps, promptTokens);
  } finally {
    await context.dispose();
  }
}

async function benchLlm() {
  const ours = await loadLanguageModel(paths.llm, { contextSize: CONTEXT, threads });
  const rawModel = await llama.loadModel({ modelPath: paths.llm });
  const o: Timing[] = [];
  const r: Timing[] = [];
  await oursOnce(ours); // warm-up
  // Alternate which runs first, so drift in machine load does not favour one side.
  for (let i = 0; i < REPS; i++) {
    if (i % 2 === 0) {
      o.push(await oursOnce(ours));
      r.push(await rawOnce(rawModel));
    } else {
      r.push(await rawOnce(rawModel));
      o.push(await oursOnce(ours));
    }
  }
  const promptTokens = ours.countTokens(prompt);
  await ours.dispose();
  await rawModel.dispose();
  const pick = (ts: Timing[], k: keyof Timing) => median(ts.map((t) => t[k]));
  return {
    promptTokens,
    ours: { promptTps: pick(o, "promptTps"), genTps: pick(o, "genTps") },
    raw: { promptTps: pick(r, "promptTps"), genTps: pick(r, "genTps") },
  };
}

async function benchEmbedder() {
  const embedder = await loadEmbedder(paths.embedder, { threads });
  const words = ["pump", "valve", "notice", "clause", "patient", "invoice", "pressure", "breaker"];
  let chunk = "";
  for (let i = 0; embedder.countTokens(chunk) < 256; i++) chunk += `${words[i % words.length]} `;
  const chunks = Array.from({ length: 40 }, (_, i) => `${i} ${chunk}`.trim());
  const tokens = embedder.countTokens(chunks[0]!);
  await embedder.embed(chunks.slice(0, 2)); // warm-up
  const start = performance.now();
  await embedder.embed(chunks);
  const seconds = (performance.now() - start) / 1000;
  await embedder.dispose();
  return { chunkTokens: tokens, chunks: chunks.length, chunksPerSecond: chunks.length / seconds };
}

const llm = await benchLlm();
const emb = await benchEmbedder();
const load = os.loadavg()[0]!;
const rows = [
  { metric: "LLM prompt tokens/s", ours: llm.ours.promptTps, raw: llm.raw.promptTps, ratio: llm.ours.promptTps / llm.raw.promptTps, target: "ratio >= 0.90" },
  { metric: "LLM generation tokens/s", ours: llm.ours.genTps, raw: llm.raw.genTps, ratio: llm.ours.genTps / llm.raw.genTps, target: "ratio >= 0.90" },
  { metric: `embedder chunks/s (${emb.chunkTokens} tokens)`, ours: emb.chunksPerSecond, raw: NaN, ratio: NaN, target: ">= 40" },
];
console.log(`llm=${path.basename(paths.llm)}  threads=${threads}  cpus=${os.cpus().length}  load average (1 min)=${load.toFixed(2)}  prompt=${llm.promptTokens} tokens  reps=${REPS}`);
console.table(rows.map((r) => ({ ...r, ours: r.ours.toFixed(1), raw: Number.isNaN(r.raw) ? "-" : r.raw.toFixed(1), ratio: Number.isNaN(r.ratio) ? "-" : r.ratio.toFixed(3) })));
const outDir = path.resolve("bench-results");
await mkdir(outDir, { recursive: true });
await writeFile(path.join(outDir, "models.json"), JSON.stringify({ date: new Date().toISOString(), llmFile: path.basename(paths.llm), threads, loadAverage1m: load, llm, embedder: emb }, null, 2));
