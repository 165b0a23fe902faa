// The 0.5B test LLM against the opt-in 1.5B (Qwen2.5-Coder-1.5B-Instruct Q4_K_M, `npm run
// test-models -- --large`) in one process: the answerable questions of test/fixtures/answerability
// through lib/ask with the real deps over the fixture corpus, each question asked with both models
// back to back (which goes first alternates, so load drift favours neither). Reports time to first
// answer text and total time per model, and the 1.5B/0.5B ratios.
// Run: npm run bench -- llm-size   (BENCH_QUESTIONS=n, BENCH_ANSWER_TOKENS=n; exits 2 if the 1.5B is not cached)
// The machine is shared: ratios within the run mean something, absolute times hardly.
import fs from "node:fs";
import path from "node:path";
import type { LanguageModel } from "@/models/types";
import { largeTestLlmPath } from "@/models/testModels/fetchTestModels";
import { root } from "../../scripts/lib.mjs";
import { loadAnswerabilityQuestions } from "../utils/answerabilityQuestions";
import { openBenchApp } from "./utils/benchApp";
import { loadAverage, median, percentile, round } from "./utils/stats";

const N = Number(process.env.BENCH_QUESTIONS) || 20;
const large = await largeTestLlmPath();
if (!large) {
  console.error("The 1.5B test LLM is not in the test-models cache: run `npm run test-models -- --large` first.");
  process.exit(2);
}
const wallStart = performance.now();
const loads: Record<string, number[]> = { start: loadAverage() };
const app = await openBenchApp("answerability", { CAIRN_ASK_ANSWER_TOKENS: process.env.BENCH_ANSWER_TOKENS ?? "160" });
const { loadLanguageModel } = await import("@/models/llm");
// A cache older than the chunk context headers queues re-index jobs; no worker runs here, so they
// stay queued and the documents answer from their cached chunks (failing those jobs would take
// the documents out of search).

const deps = await app.realAskDeps();
const threads = await app.threads();
const tLoad = performance.now();
const big = await loadLanguageModel(large, { contextSize: app.cfg.llmContextSize, threads: app.cfg.modelThreads, promptTokensPerSecond: app.cfg.promptTokensPerSecond });
const bigLoadMs = performance.now() - tLoad;
const llms: Record<"0.5B" | "1.5B", LanguageModel> = { "0.5B": deps.llm, "1.5B": big };
const questions = loadAnswerabilityQuestions("tuned")
  .filter((x) => x.kind === "answerable")
  .slice(0, N);

interface Asked {
  ttftMs: number;
  totalMs: number;
  promptTokens: number;
  answerTokens: number;
  statesGold: boolean;
  answer: string;
  /** Why Cairn answered in its own words (no LLM call when the gate refuses before generating). */
  refusal: string | null;
  llmCalled: boolean;
}
async function askWith(size: keyof typeof llms, question: (typeof questions)[number]): Promise<Asked> {
  let promptTokens = 0;
  let answerTokens = 0;
  let llmCalled = false;
  const base = llms[size];
  const llm: LanguageModel = {
    ...base,
    countTokens: (t) => base.countTokens(t),
    generate: async (messages, opts) => {
      llmCalled = true;
      const r = await base.generate(messages, opts);
      promptTokens = r.promptTokens;
      answerTokens = r.tokens;
      return r;
    },
  };
  const t0 = performance.now();
  let ttft = 0;
  const result = await app.ask({ question: question.question, collections: app.collections, deps: { ...deps, llm }, onToken: () => (ttft ||= performance.now() - t0) });
  const totalMs = performance.now() - t0;
  const gold = question.gold?.value.toLowerCase() ?? "";
  return { ttftMs: ttft || totalMs, totalMs, promptTokens, answerTokens, statesGold: gold !== "" && result.answer.toLowerCase().includes(gold), answer: result.answer.replace(/\s+/g, " ").slice(0, 140), refusal: result.refusal?.reason ?? null, llmCalled };
}

// Warm-up: both system prompts' KV caches in place.
await askWith("0.5B", questions[0]!);
await askWith("1.5B", questions[0]!);
loads.afterWarmUp = loadAverage();

const rows: { id: string; order: string; small: Asked; big: Asked; load1: number }[] = [];
for (const [i, question] of questions.entries()) {
  let small: Asked, bigRun: Asked;
  if (i % 2 === 0) {
    small = await askWith("0.5B", question);
    bigRun = await askWith("1.5B", question);
  } else {
    bigRun = await askWith("1.5B", question);
    small = await askWith("0.5B", question);
  }
  rows.push({ id: question.id, order: i % 2 === 0 ? "0.5B first" : "1.5B first", small, big: bigRun, load1: loadAverage()[0]! });
  const how = (a: Asked) => (a.llmCalled ? "" : ` (no LLM call: ${a.refusal ?? "quoted"})`);
  console.log(`  ${question.id}: 0.5B ${round(small.ttftMs, 0)} / ${round(small.totalMs, 0)} ms${how(small)}, 1.5B ${round(bigRun.ttftMs, 0)} / ${round(bigRun.totalMs, 0)} ms${how(bigRun)} (load ${loadAverage()[0]})`);
}
loads.end = loadAverage();
await big.dispose();
await app.close();
app.remove();

const stat = (pick: (a: Asked) => number, which: "small" | "big") => {
  const xs = rows.map((r) => pick(r[which]));
  return { p50: median(xs), p95: percentile(xs, 95) };
};
const ratioMedian = (pick: (a: Asked) => number) => median(rows.map((r) => pick(r.big) / pick(r.small)));
const summary = (["small", "big"] as const).map((which) => {
  const ttft = stat((a) => a.ttftMs, which);
  const total = stat((a) => a.totalMs, which);
  return {
    model: which === "small" ? path.basename(app.models.llm) : path.basename(large),
    ttftP50Ms: round(ttft.p50, 0),
    ttftP95Ms: round(ttft.p95, 0),
    totalP50Ms: round(total.p50, 0),
    totalP95Ms: round(total.p95, 0),
    promptTokensP50: median(rows.map((r) => r[which].promptTokens)),
    answerTokensP50: median(rows.map((r) => r[which].answerTokens)),
    goldStated: `${rows.filter((r) => r[which].statesGold).length}/${rows.length}`,
  };
});
const ratios = {
  ttftP50: round(summary[1]!.ttftP50Ms / summary[0]!.ttftP50Ms, 2),
  ttftP95: round(summary[1]!.ttftP95Ms / summary[0]!.ttftP95Ms, 2),
  totalP50: round(summary[1]!.totalP50Ms / summary[0]!.totalP50Ms, 2),
  medianPerQuestionTtft: round(ratioMedian((a) => a.ttftMs), 2),
  medianPerQuestionTotal: round(ratioMedian((a) => a.totalMs), 2),
};
console.log(`\nllm-size bench: ${rows.length} questions, ${threads} threads, context ${app.cfg.llmContextSize}, 1.5B loaded in ${round(bigLoadMs / 1000, 1)} s`);
console.log(`load average 1/5/15 min: ${Object.entries(loads).map(([k, v]) => `${k} ${v.join(" ")}`).join(", ")}`);
console.table(summary);
console.table([{ "1.5B / 0.5B": "ratio", ...ratios }]);
for (const r of rows) console.log(`  ${r.id}\n    0.5B → ${r.small.answer}\n    1.5B → ${r.big.answer}`);
fs.mkdirSync(path.join(root, "bench-results"), { recursive: true });
fs.writeFileSync(
  path.join(root, "bench-results", "llm-size.json"),
  JSON.stringify({ date: new Date().toISOString(), threads, contextSize: app.cfg.llmContextSize, loads, bigLoadMs, summary, ratios, rows, wallSeconds: round((performance.now() - wallStart) / 1000, 0) }, null, 2),
);
process.exit(0);
