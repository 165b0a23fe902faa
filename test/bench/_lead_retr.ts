// Dev loop (lead): which passages a question gets. Run: node --import tsx test/bench/_lead_retr.ts "question"
import type { LanguageModel } from "@/models/types";
import { openBenchApp } from "./utils/benchApp";
const { collections, ask, realAskDeps } = await openBenchApp("answerability");
const deps = await realAskDeps();
const llm: LanguageModel = { ...deps.llm, countTokens: (t) => deps.llm.countTokens(t), contextSize: deps.llm.contextSize, modelName: "gate", generate: async () => { throw new Error("llm"); } };
for (const q of process.argv.slice(2)) {
  const r = await ask({ question: q, collections, deps: { ...deps, llm } }).catch((e) => ({ error: String(e) }) as never);
  console.log(q);
  if ("error" in r) console.log("  ", r.error);
  const rr = r as Awaited<ReturnType<typeof ask>>;
  for (const u of rr.retrieval?.used ?? []) console.log(`   [${u.n}] ctx=${JSON.stringify((u.hit.context ?? "").slice(0, 60))} ${u.hit.fileName ?? u.hit.documentId} | ${u.hit.text.slice(0, 100).replace(/\n/g, " ")}`);
  for (const u of rr.retrieval?.leftOut ?? []) console.log(`   (out: ${(u as { reason?: string }).reason}) ctx=${JSON.stringify(((u as { hit: { context?: string } }).hit.context ?? "").slice(0, 60))} ${(u as { hit: { fileName?: string; documentId: string; text: string } }).hit.fileName ?? ""} | ${(u as { hit: { text: string } }).hit.text.slice(0, 80).replace(/\n/g, " ")}`);
}
process.exit(0);
