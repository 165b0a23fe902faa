// Dev loop (14c): every candidate's score in the quote search for a few questions (H14C_IDS).
import { benchQuestionSet, loadAnswerabilityQuestions } from "../utils/answerabilityQuestions";
import { answeringSentence } from "@/lib/utils/passageAnswer";
import type { LanguageModel } from "@/models/types";
import { openBenchApp } from "./utils/benchApp";

const { collections, ask, realAskDeps } = await openBenchApp("answerability", { CAIRN_MODEL_THREADS: "1" });
const real = await realAskDeps();
const llm: LanguageModel = { ...real.llm, generate: async () => ({ text: "The documents do not say.", tokens: 6, promptTokens: 0, aborted: false, queuedMs: 0, generationMs: 0 }) };
const ids = (process.env.H14C_IDS ?? "").split(",");
for (const q of loadAnswerabilityQuestions(benchQuestionSet())) {
  if (!ids.some((p) => q.id.startsWith(p))) continue;
  const r = await ask({ question: q.question, collections, deps: { ...real, llm } });
  console.log(`\n=== ${q.id}: ${q.question} (gold ${q.gold?.value})`);
  if (r.answerability) answeringSentence(q.question, r.answerability, r.retrieval.used.map((u) => u.hit), (l) => console.log(l.slice(0, 260)));
}
process.exit(0);
