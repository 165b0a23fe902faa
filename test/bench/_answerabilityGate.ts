// Dev loop for the answerability gate alone (no generation): which questions of the answerability
// set are refused before the LLM. Run (BENCH_SET=heldout for the held-out set): node --import tsx test/bench/_answerabilityGate.ts
import type { LanguageModel } from "@/models/types";
import { benchQuestionSet, loadAnswerabilityQuestions } from "../utils/answerabilityQuestions";
import { openBenchApp } from "./utils/benchApp";

const { collections, ask, realAskDeps } = await openBenchApp("answerability");
const deps = await realAskDeps();
class Called extends Error {}
const llm: LanguageModel = { ...deps.llm, countTokens: (t) => deps.llm.countTokens(t), contextSize: deps.llm.contextSize, modelName: "gate", generate: async () => { throw new Called(); } };
const tally: Record<string, number> = {};
for (const q of loadAnswerabilityQuestions(benchQuestionSet())) {
  let outcome: string;
  let detail = "";
  try {
    const r = await ask({ question: q.question, collections, deps: { ...deps, llm } });
    outcome = `refused:${r.refusal?.reason}`;
    detail = `${r.answer.slice(0, 150)}`;
  } catch (e) {
    if (!(e instanceof Called)) throw e;
    outcome = "llm";
  }
  const key = `${q.kind} ${outcome}`;
  tally[key] = (tally[key] ?? 0) + 1;
  const bad = (q.kind === "near_miss") === (outcome === "llm");
  if (bad || process.env.VERBOSE) console.log(`${bad ? "✗" : " "} ${q.kind.padEnd(10)} ${q.id.padEnd(28)} ${outcome.padEnd(22)} ${q.question}\n      ${detail}`);
}
console.log(tally);
process.exit(0);
