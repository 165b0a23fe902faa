// Tuning aid for the first-token budget (issue 11), no generation: for each answerable fixture
// question, is the gold value in the prompt ask() would send, budget off vs on at a pinned speed?
// Run: BENCH_SPEED=80 BENCH_BUDGETS=2000,3000 node --import tsx test/bench/_firstTokenProbe.ts
import type { ChatMessage, LanguageModel } from "@/models/types";
import { benchQuestionSet, loadAnswerabilityQuestions } from "../utils/answerabilityQuestions";
import { openBenchApp } from "./utils/benchApp";

const SPEED = Number(process.env.BENCH_SPEED) || 80;
const BUDGETS = (process.env.BENCH_BUDGETS ?? "0,2000,2500,3000").split(",").map(Number);
const app = await openBenchApp("answerability");
const deps = await app.realAskDeps();
const questions = loadAnswerabilityQuestions(benchQuestionSet()).filter((x) => x.kind === "answerable").slice(0, Number(process.env.BENCH_QUESTIONS) || 20);
const hits: Record<number, number> = {};
const tokens: Record<number, number[]> = {};
for (const q of questions) {
  const row: string[] = [];
  for (const b of BUDGETS) {
    let seen: ChatMessage[] = [];
    const llm: LanguageModel = { ...deps.llm, generate: async (m) => ((seen = m), { text: "", tokens: 0, promptTokens: 0, aborted: false, queuedMs: 0, generationMs: 0 }) };
    const r = await app.ask({ question: q.question, collections: app.collections, deps: { ...deps, llm }, options: { firstTokenBudgetMs: b, promptTokensPerSecond: SPEED } });
    const user = seen.at(-1)?.content ?? "";
    const has = user.toLowerCase().includes(q.gold!.value.toLowerCase());
    hits[b] = (hits[b] ?? 0) + (has ? 1 : 0);
    (tokens[b] ??= []).push(r.retrieval.promptTokens);
    row.push(`${b}:${has ? "Y" : "-"}${r.retrieval.promptTokens}/${r.retrieval.used.length}`);
    if (process.env.BENCH_SHOW === q.id) console.log(`--- ${b}\n${user}\n`);
  }
  console.log(q.id.padEnd(22), row.join("  "));
}
console.log(`speed ${SPEED} t/s; gold value in prompt: ${BUDGETS.map((b) => `${b} ms ${hits[b]}/${questions.length} (median ${tokens[b]!.sort((x, y) => x - y)[Math.floor(tokens[b]!.length / 2)]} tok)`).join(", ")}`);
await app.close();
app.remove();
process.exit(0);
