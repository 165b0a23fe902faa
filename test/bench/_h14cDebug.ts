// Dev loop (14c): replays cached generations for a few questions and prints, per model sentence,
// the claim check's verdict, and the quote search's reasons. H14C_IDS=<id>,… BENCH_SET=… BENCH_GEN_CACHE=…
import type { LanguageModel } from "@/models/types";
import { benchQuestionSet, loadAnswerabilityQuestions } from "../utils/answerabilityQuestions";
import { answeringSentence } from "@/lib/utils/passageAnswer";
import { attributeByWording, DEFAULT_ATTRIBUTION, resolveCitations } from "@/lib/citations";
import { checkSentence, preparePassages } from "@/lib/utils/claimCheck";
import { passageLabel } from "@/lib/verifyAnswer";
import { openBenchApp } from "./utils/benchApp";
import { cachingModel } from "./utils/generationCache";

const { collections, ask, realAskDeps } = await openBenchApp("answerability", { CAIRN_MODEL_THREADS: "1" });
const real = await realAskDeps();
const ids = (process.env.H14C_IDS ?? "").split(",");
let text = "";
const base = cachingModel(real.llm, process.env.BENCH_GEN_CACHE!);
const llm: LanguageModel = { ...base, generate: async (m, o) => { const r = await base.generate(m, o); text = r.text; return r; } };
for (const q of loadAnswerabilityQuestions(benchQuestionSet())) {
  if (!ids.some((p) => q.id.startsWith(p))) continue;
  text = "";
  const r = await ask({ question: q.question, collections, deps: { ...real, llm } });
  console.log(`\n=== ${q.id}: ${q.question}\n  gold: ${q.gold?.value ?? "-"} | answered ${r.answered} ${r.refusal?.reason ?? ""} quoted=${r.quoted?.reason ?? ""}\n  final: ${r.answer.slice(0, 300)}\n  model: ${text.slice(0, 400)}`);
  const used = r.retrieval.used;
  used.forEach((u) => console.log(`  [${u.n}] ${u.hit.fileName} | ${u.hit.headingPath} | ${u.hit.text.replace(/\s+/g, " ").slice(0, 600)}`));
  if (text) {
    const byModel = resolveCitations(text, used);
    const att = attributeByWording(byModel, used, DEFAULT_ATTRIBUTION);
    const passages = preparePassages(used.map((u) => ({ n: u.n, documentId: u.hit.documentId, text: u.hit.text, label: passageLabel(u.hit) })));
    const phrasing = new Set(r.answerability!.terms.filter((t) => !t.subject && !t.key.includes(" ")).map((t) => t.key));
    for (const s of att.sentences) {
      const c = checkSentence(s.text, s.citations, passages, q.question, phrasing);
      console.log(`  S ${JSON.stringify(s.text)} cites ${s.citations} → ${c.verdict} claims=${JSON.stringify(c.claims)} missing=${JSON.stringify(c.missingClaims)} invented=${JSON.stringify(c.invented)} incomplete=${c.incomplete}`);
    }
  }
  if (r.answerability) answeringSentence(q.question, r.answerability, used.map((u) => u.hit), (l) => console.log("  PA " + l));
}
process.exit(0);
