// `npm run bench -- tasks`: wall time of whole-document tasks with the test LLM on this machine,
// beside a peer's figures (15 min for a 2,600-token report on 4 cores; no answer after 27 min for a
// 2,500-token agreement). Summaries: a ~12,800-character report (three fixture reports of one
// specialty joined) on the summary session (CAIRN_SUMMARY_CONTEXT_SIZE, 8,192) and, as the same-process baseline, the
// answer context (4,096 tokens, map-reduce), then the coverage of the key facts of
// the 12 medical samples (test/fixtures/summaries). Deadlines: a ~11,400-character agreement, the
// longest fixture agreement, and all 14 at once (deterministic pass + the LLM's party/obligation).
// BENCH_TASKS_SKIP_COVERAGE=1 / BENCH_TASKS_SKIP_ALL=1 leave out the long parts; BENCH_TASKS_ONLY_SUMMARY=1
// stops after the ~12.8k-char summary. Beside wall seconds: CPU seconds of the process (see cpuS).
import fs from "node:fs";
import path from "node:path";
import { annotateDeadlines, extractDeadlines } from "@/lib/deadlines";
import { clinicalFieldLines, summarizePassages, SUMMARY_PRESETS, type SummaryResult } from "@/lib/summarize";
import { loadLanguageModel } from "@/models/llm";
import type { LanguageModel } from "@/models/types";
import { testModelPaths } from "../modelDependent/testModels";
import { contractFiles, contractText } from "../utils/deadlineCheckSet";
import { medicalReport, reportPassages } from "../utils/reportPassages";
import { loadAverage, round } from "./utils/stats";

const threads = Number(process.env.CAIRN_MODEL_THREADS || 1);
const llm = await loadLanguageModel(testModelPaths().llm, { contextSize: 4096, threads });
// The whole-document session Cairn uses for summaries (CAIRN_SUMMARY_CONTEXT_SIZE), same weights.
const summaryContext = Number(process.env.CAIRN_SUMMARY_CONTEXT_SIZE || 8192);
const sllm = await llm.withContextSize(summaryContext);
const rows: Record<string, unknown>[] = [];
const t = () => performance.now();
console.log(`test LLM ${llm.modelName}, context 4096, ${threads} thread(s), load ${loadAverage().join(" ")}`);

// CPU seconds of this process (the model's native threads included): with 1 thread, about the wall
// time a quiet machine would take, whatever the other engineers' benches do to the wall clock.
const cpuS = (since: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return round((u.user + u.system) / 1e6);
};

async function summary(name: string, text: string, instruction: string, model: LanguageModel = sllm): Promise<SummaryResult & { ms: number; firstTokenMs: number | null; cpuS: number }> {
  const doc = reportPassages(name, text);
  const cpu0 = process.cpuUsage();
  const t0 = t();
  let first: number | null = null;
  const r = await summarizePassages({ documentId: name, fileName: `${name}.pdf`, passages: doc.passages }, instruction, model, (e) => {
    if (first === null && (e.type === "token" || e.type === "partial")) first = t() - t0;
  });
  return { ...r, ms: t() - t0, firstTokenMs: first, cpuS: cpuS(cpu0) };
}

// --- summary of a ~12,800-character report
const long = ["Alzheimer Disease", "MRI Brain and C-T Spine", "Mantle Cell Lymphoma - Consult"].map(medicalReport).join("\n\n");
// BENCH_TASKS_PART=deadlines | coverage: only that part (two processes side by side; CPU seconds stay comparable).
const part = process.env.BENCH_TASKS_PART ?? "all";
// The pieces: prompt processing of the whole report, and generation, on the summary session.
if (part === "all") {
  const cpu0 = process.cpuUsage();
  const pp = await sllm.generate([{ role: "system", content: `Pieces ${Date.now()}` }, { role: "user", content: long }], { maxTokens: 1 });
  const ppCpuS = cpuS(cpu0);
  const cpu1 = process.cpuUsage();
  const gen = await sllm.generate([{ role: "system", content: `Pieces ${Date.now()}` }, { role: "user", content: "Count from one to forty in words, one per line." }], { maxTokens: 64 });
  const pieces = { promptTokens: pp.promptTokens, promptS: round(pp.generationMs / 1000), promptTokPerS: round((pp.promptTokens / pp.generationMs) * 1000), generated: gen.tokens, genS: round(gen.generationMs / 1000), genTokPerS: round((gen.tokens / gen.generationMs) * 1000), promptCpuS: ppCpuS, promptTokPerCpuS: round(pp.promptTokens / ppCpuS), genCpuS: cpuS(cpu1), load: loadAverage().join(" ") };
  rows.push({ task: "pieces", ...pieces });
  console.log("pieces", pieces);
}
for (const [label, model] of part === "all" ? ([[`summary, ${summaryContext}-token session`, sllm], ["summary, 4096-token context (before)", llm]] as const) : []) {
  const s = await summary("combined-report", long, SUMMARY_PRESETS.clinical, model);
  const summaryRow = { task: label, input: `${long.length} chars, ${llm.countTokens(long)} tokens`, mode: `${s.mode} (${s.parts})`, seconds: round(s.ms / 1000), cpuSeconds: s.cpuS, firstOutputS: s.firstTokenMs === null ? null : round(s.firstTokenMs / 1000), peer: "15 min (4 cores)", sentences: s.sentences.length, withheld: s.withheld.length, load: loadAverage().join(" ") };
  rows.push(summaryRow);
  console.log(summaryRow, "\nsummary:", s.summary);
  if (process.env.BENCH_TASKS_SKIP_BASELINE) break;
}
if (process.env.BENCH_TASKS_ONLY_SUMMARY) {
  console.table(rows);
  await llm.dispose();
  process.exit(0);
}

// --- deadlines
async function deadlines(label: string, docs: { name: string; text: string }[]) {
  const cpu0 = process.cpuUsage();
  const t0 = t();
  const found = docs.map((d) => extractDeadlines({ documentId: d.name, fileName: d.name, pages: [{ page: null, text: d.text }] }));
  const extractMs = t() - t0;
  const all = found.flatMap((f) => f.rows);
  await annotateDeadlines(all, llm);
  const ms = t() - t0;
  const chars = docs.reduce((n, d) => n + d.text.length, 0);
  const row = {
    task: "deadlines",
    input: `${label}: ${chars} chars, ${llm.countTokens(docs.map((d) => d.text).join("\n"))} tokens`,
    mode: `${all.length} rows`,
    seconds: round(ms / 1000),
    cpuSeconds: cpuS(cpu0),
    firstOutputS: round(extractMs / 1000, 3),
    peer: "no answer after 27 min (2,500 tokens)",
    checkedObligations: all.filter((r) => r.obligationSource === "model").length,
    resolvedDates: all.filter((r) => r.resolvedDate).length,
    fromClause: all.filter((r) => r.obligationSource === "clause").length,
    load: loadAverage().join(" "),
  };
  rows.push(row);
  console.log(row);
}
const blackbox = contractText("BLACKBOXSTOCKSINC_08_05_2014-EX-10.1-DISTRIBUTOR AGREEMENT.txt");
const cut = blackbox.lastIndexOf("\n\n", 11_400);
const longest = contractFiles().map((f) => ({ name: f, text: contractText(f) })).sort((a, b) => b.text.length - a.text.length)[0]!;
if (part !== "coverage") {
  await deadlines("agreement (first 11.4k chars of the Snotarator distributor agreement)", [{ name: "distributor-11k", text: blackbox.slice(0, cut) }]);
  await deadlines(`longest agreement (${longest.name.slice(0, 40)}…)`, [longest]);
}

// --- key-fact coverage of the 12 medical samples
const coverage: Record<string, unknown>[] = [];
if (!process.env.BENCH_TASKS_SKIP_COVERAGE && part !== "deadlines") {
  const facts: { report: string; facts: { fact: string; terms: string[] }[] }[] = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, "../fixtures/summaries/medical-key-facts.json"), "utf8"));
  for (const f of facts) {
    const r = await summary(f.report, medicalReport(f.report), SUMMARY_PRESETS.clinical);
    const plain = r.summary.toLowerCase();
    const covered = f.facts.filter((k) => k.terms.every((term) => plain.includes(term.toLowerCase())));
    const fieldsOnly = clinicalFieldLines(reportPassages(f.report, medicalReport(f.report)).passages.map((hit, i) => ({ n: i + 1, hit })), "").join(" ").toLowerCase();
    const byFields = f.facts.filter((k) => k.terms.every((term) => fieldsOnly.includes(term.toLowerCase())));
    const c = { report: f.report, facts: f.facts.length, covered: covered.length, byFieldsAlone: byFields.length, seconds: round(r.ms / 1000), cpuSeconds: r.cpuS, sentences: r.sentences.length, withheld: r.withheld.length };
    coverage.push(c);
    console.log(c);
  }
  const total = coverage.reduce((n, c) => n + (c.facts as number), 0);
  const hit = coverage.reduce((n, c) => n + (c.covered as number), 0);
  console.table(coverage);
  const byFields = coverage.reduce((n, c) => n + (c.byFieldsAlone as number), 0);
  console.log(`key-fact coverage: ${hit}/${total} = ${round((100 * hit) / total)}% (the report's labelled fields alone: ${byFields}/${total})`);
}

if (!process.env.BENCH_TASKS_SKIP_ALL && part !== "coverage") await deadlines("all 14 agreements", contractFiles().map((f) => ({ name: f, text: contractText(f) })));
console.table(rows);
const root = path.resolve(import.meta.dirname, "../..");
fs.mkdirSync(path.join(root, "bench-results"), { recursive: true });
fs.writeFileSync(path.join(root, "bench-results", part === "all" ? "tasks.json" : `tasks-${part}.json`), JSON.stringify({ date: new Date().toISOString(), model: llm.modelName, threads, summaryContext, load: loadAverage(), rows, coverage }, null, 2));
await llm.dispose();
