// Dev loop for the answerability gate alone (no generation): which questions of the answerability
// set are refused before the LLM. Run: node --import tsx test/bench/_answerabilityGate.ts
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { LanguageModel } from "@/models/types";
import { testModelPaths } from "../modelDependent/testModels";
import { loadAnswerabilityQuestions } from "../utils/answerabilityQuestions";
import { ensureCorpus } from "./utils/corpusCache";

const models = testModelPaths();
const runDir = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-gate-"));
ensureCorpus("answerability", models.embedder, runDir);
Object.assign(process.env, { CAIRN_DATA_DIR: runDir, CAIRN_EMBED_MODEL: models.embedder, CAIRN_LLM_MODEL: models.llm });
const { realAskDeps } = await import("@/lib/askDeps");
const { ask } = await import("@/lib/ask");
const { currentPrincipal } = await import("@/lib/auth");
const { resolveCollections } = await import("@/lib/searchScope");
const collections = resolveCollections(currentPrincipal());
const deps = await realAskDeps();
class Called extends Error {}
const llm: LanguageModel = { ...deps.llm, countTokens: (t) => deps.llm.countTokens(t), contextSize: deps.llm.contextSize, modelName: "gate", generate: async () => { throw new Called(); } };
const tally: Record<string, number> = {};
for (const q of loadAnswerabilityQuestions()) {
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
