// Dev loop for the quoted-sentence answer: every question asked with a model that always
// declines, so each answer is the gate's refusal, Cairn's quoted sentence, or a refusal after it.
// Answerable: does the quote hold the gold value? Near-miss: any quote is wrong.
// Run (BENCH_SET=heldout for the held-out set): node --import tsx test/bench/_passageAnswer.ts
import type { LanguageModel } from "@/models/types";
import { benchQuestionSet, loadAnswerabilityQuestions } from "../utils/answerabilityQuestions";
import { answeringSentence } from "@/lib/utils/passageAnswer";
import { statesValue } from "./utils/answerabilityScoring";
import { openBenchApp } from "./utils/benchApp";

const { collections, ask, realAskDeps } = await openBenchApp("answerability");
const deps = await realAskDeps();
const llm: LanguageModel = {
  modelName: "declines",
  contextSize: deps.llm.contextSize,
  countTokens: (t) => deps.llm.countTokens(t),
  generate: async () => ({ text: "The documents do not say.", tokens: 6, promptTokens: 0, aborted: false, queuedMs: 0, generationMs: 0 }),
};
const tally: Record<string, number> = {};
const debug = process.env.PA_DEBUG?.split(",");
for (const q of loadAnswerabilityQuestions(benchQuestionSet())) {
  if (debug && !debug.includes(q.id)) continue;
  const r = await ask({ question: q.question, collections, deps: { ...deps, llm } });
  if (debug && r.answerability) answeringSentence(q.question, r.answerability, r.retrieval.used.map((u) => u.hit), (l) => console.log(l));
  const outcome = r.quoted ? (q.gold ? (statesValue(r.answer, q.gold.value) ? "quoted gold" : "quoted other") : "quoted") : `refused:${r.refusal?.reason}`;
  const key = `${q.kind} ${outcome}`;
  tally[key] = (tally[key] ?? 0) + 1;
  const bad = q.kind === "near_miss" ? !!r.quoted : outcome !== "quoted gold";
  // Whether retrieval gave the gold value at all: a refusal without it is retrieval's miss.
  const given = q.gold ? r.retrieval.used.some((u) => statesValue(u.hit.text, q.gold!.value)) : null;
  if (q.gold && bad) tally[`answerable missed, gold ${given ? "given" : "not given"}`] = (tally[`answerable missed, gold ${given ? "given" : "not given"}`] ?? 0) + 1;
  if (bad || process.env.VERBOSE) console.log(`${bad ? "✗" : " "} ${q.kind.padEnd(10)} ${q.id.padEnd(28)} ${outcome.padEnd(22)} ${q.question}\n      ${r.answer.slice(0, 220)}${q.gold ? `\n      gold: ${q.gold.value} (${given ? "in the given passages" : "not in the given passages"})` : ""}`);
}
console.log(tally);
process.exit(0);
