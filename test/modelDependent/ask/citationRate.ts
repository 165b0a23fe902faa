// Dev-only: how often does the test LLM cite the one passage that holds the answer?
// Runs every question in citationCorpus.ts through lib/ask.ts with the real models at
// temperature 0 and prints one row per question plus the totals.
//   npx tsx test/modelDependent/ask/citationRate.ts [--all-passages] [--best-in-middle] [system-prompt-file ...]
// --all-passages opens the relevance gate, so every passage is given and the model must pick
// the right one; --best-in-middle moves the top hit (normally the answer) to the middle, so
// neither "always [1]" nor "always the last" scores.
// Each file replaces DEFAULT_SYSTEM_PROMPT in one more run (prompt variants).
import { readFileSync } from "node:fs";
import { config } from "@/core/config";
import { ask, type AskOptions } from "@/lib/ask";
import { loadEmbedder } from "@/models/embedder";
import { loadLanguageModel } from "@/models/llm";
import type { SearchQuery } from "@/vectorstore/types";
import { testModelPaths } from "../testModels";
import { bestInMiddle, CASES, COLLECTION, openCorpusStore } from "./citationCorpus";

const paths = testModelPaths();
const embedder = await loadEmbedder(paths.embedder);
const llm = await loadLanguageModel(paths.llm, { contextSize: 2048, threads: config().modelThreads });
const corpus = await openCorpusStore(embedder);
const args = process.argv.slice(2);
const allPassages = args.includes("--all-passages");
const middle = args.includes("--best-in-middle");
const variants = args.filter((a) => !a.startsWith("--"));
const search = middle ? async (q: SearchQuery) => bestInMiddle(await corpus.deps.search(q)) : corpus.deps.search;

async function run(label: string, systemPrompt?: string) {
  const options: Partial<AskOptions> = { reserveForAnswer: 96, temperature: 0 };
  if (systemPrompt) options.systemPrompt = systemPrompt;
  if (allPassages) options.relevance = { maxVectorDistance: 2, minKeywordCoverage: 0 };
  const rows: { question: string; given: string; citesAnswer: boolean; onlyAnswer: boolean; rightFact: boolean; dropped: string; answer: string }[] = [];
  for (const c of CASES) {
    const r = await ask({ question: c.question, collections: [COLLECTION], deps: { ...corpus.deps, search, llm }, options });
    const cited = r.citations.map((x) => x.documentId);
    const at = r.retrieval.used.findIndex((u) => u.hit.documentId === c.documentId) + 1;
    rows.push({
      question: c.question.slice(0, 40),
      given: `${r.retrieval.used.length}, answer ${at ? `[${at}]` : "missing"}`,
      citesAnswer: cited.includes(c.documentId),
      onlyAnswer: cited.length > 0 && cited.every((d) => d === c.documentId),
      rightFact: c.expect.test(r.answer),
      dropped: r.dropped.map((d) => d.marker).join(" "),
      answer: r.answer.replace(/\s+/g, " ").slice(0, 110),
    });
  }
  console.table(rows);
  const count = (k: "citesAnswer" | "onlyAnswer" | "rightFact") => `${rows.filter((r) => r[k]).length}/${rows.length}`;
  console.log(
    `${label} (${allPassages ? "all passages" : "relevance gate on"}${middle ? ", best hit in the middle" : ""}), ${llm.modelName}: ` +
      `cites the answer passage ${count("citesAnswer")}, cites only it ${count("onlyAnswer")}, states the fact ${count("rightFact")}\n`,
  );
}

if (variants.length === 0) await run("DEFAULT_SYSTEM_PROMPT");
for (const file of variants) await run(file, readFileSync(file, "utf8").trim());
await corpus.close();
await llm.dispose();
await embedder.dispose();
