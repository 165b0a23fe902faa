// Answerability on documents nobody here wrote: the question set in
// test/fixtures/answerability/questions.json (CUAD agreements, MTSamples reports) asked through
// lib/ask with the app's real deps (test LLM + embedder, LanceDB, metadata db), over those files
// ingested by the worker into one collection (cached between runs).
// - near-miss questions (about a term the named document lacks) must be refused: target ≥ 95 %;
// - answerable ones must not be: wrongly refused ≤ 5 %, and the answer should state the gold value;
// - answered results whose every cited sentence is verified;
// - a wrong value surviving into a final answer (target 0): a figure no given passage holds, or
//   any verified sentence in an answer to a near-miss question;
// - beside it, what that definition cannot see: answerable questions answered with another figure
//   than the gold value (one some passage holds), and answers citing a document other than the one
//   the question names.
// Refusals count whatever Cairn says in its own words (AskResult.refusal); near-miss ones where the
// LLM was never called are shown apart. Run: npm run bench -- answerability   (BENCH_REBUILD=1 re-ingests; BENCH_ONLY=<id prefix>[,<prefix>…]; BENCH_KIND=answerable|near_miss; BENCH_SET=heldout for the held-out set (test/fixtures/answerability/heldout.json, never tuned on), BENCH_SET=heldout2 for the second one (heldout2.json, written without reading the checks), BENCH_SET=heldout3 for the third (heldout3.json, written blind); BENCH_LIMIT=n per kind; BENCH_GEN_CACHE=<dir> replays generations of prompts seen before)
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { AskDeps, AskResult } from "@/lib/ask";
import type { LanguageModel } from "@/models/types";
import { root } from "../../scripts/lib.mjs";
import { benchQuestionSet, loadAnswerabilityQuestions, questionGroup, type AnswerabilityQuestion } from "../utils/answerabilityQuestions";
import { figuresOf, statesValue, unsupportedFigures } from "./utils/answerabilityScoring";
import { openBenchApp } from "./utils/benchApp";
import { cachingModel } from "./utils/generationCache";
import { loadAverage, median, round } from "./utils/stats";

const TARGET_NEAR_MISS_REFUSED = 0.95;
const TARGET_WRONGLY_REFUSED = 0.05;

const wallStart = performance.now();
const load = { start: loadAverage(), afterCorpus: [0, 0, 0], end: [0, 0, 0] };
const limit = Number(process.env.BENCH_LIMIT) || Infinity;
const only = process.env.BENCH_ONLY;
const questionSet = benchQuestionSet();
const all = loadAnswerabilityQuestions(questionSet);
const kinds = (["answerable", "near_miss"] as const).filter((k) => !process.env.BENCH_KIND || process.env.BENCH_KIND === k);
const questions = kinds.flatMap((kind) =>
  all.filter((q) => q.kind === kind && (!only || only.split(",").some((p) => q.id.startsWith(p)))).slice(0, limit),
);

// One model thread unless told otherwise (as testModelThreads): on 2 shared cores llama.cpp's
// spinning threads thrash, and a question then takes minutes instead of seconds.
const app = await openBenchApp("answerability", { CAIRN_MODEL_THREADS: process.env.CAIRN_MODEL_THREADS ?? "1" });
const { models, corpus, cfg, collections, ask, realAskDeps } = app;
load.afterCorpus = loadAverage();
const realDeps = await realAskDeps();
const genCache = process.env.BENCH_GEN_CACHE ? cachingModel(realDeps.llm, process.env.BENCH_GEN_CACHE) : null;
const deps = genCache ? { ...realDeps, llm: genCache } : realDeps;
const threads = await app.threads();

/** The real model, counting whether ask() called it at all (a refusal before generation does not). */
function countingModel(base: LanguageModel, onCall: () => void): LanguageModel {
  return {
    modelName: base.modelName,
    contextSize: base.contextSize,
    countTokens: (text) => base.countTokens(text),
    generate(messages, opts) {
      onCall();
      return base.generate(messages, opts);
    },
  };
}

interface QuestionRun {
  id: string;
  kind: AnswerabilityQuestion["kind"];
  group: string;
  outOfDomain: boolean;
  question: string;
  seconds: number;
  llmCalled: boolean;
  answered: boolean;
  /** Answered with a passage's own sentence, quoted by Cairn, after the model's answer failed (AskResult.quoted). */
  quoted: string | null;
  refusal: AskResult["refusal"];
  /** Answerable: the final answer states gold.value. */
  goldValueStated: boolean | null;
  /** Answerable: some passage given to the model holds gold.value (retrieval found it). */
  goldValueGiven: boolean | null;
  citedSentences: number;
  verifiedSentences: number;
  /** Answered, at least one cited sentence, and every cited sentence verified. */
  allCitedVerified: boolean;
  unsupportedFigures: string[];
  wrongValueSurvives: boolean;
  /** Answerable, answered without the gold value but stating some other figure (one a passage holds: verification cannot catch it). */
  otherValueStated: boolean | null;
  /** Answered, citing a passage of a document other than the one the question names. */
  citesOtherDocument: boolean;
  /** Generated sentences left out of the final answer. */
  withheld: number;
  passagesGiven: number;
  answer: string;
}

/** The answer states a figure beyond those the question names. */
function statesOtherFigure(answer: string, question: string): boolean {
  const asked = new Set(figuresOf(question));
  return figuresOf(answer).some((f) => !asked.has(f));
}

async function run(q: AnswerabilityQuestion, askDeps: AskDeps): Promise<QuestionRun> {
  let llmCalled = false;
  const t = performance.now();
  const result = await ask({ question: q.question, collections, deps: { ...askDeps, llm: countingModel(askDeps.llm, () => (llmCalled = true)) } });
  const seconds = (performance.now() - t) / 1000;
  const passages = result.retrieval.used.map((u) => u.hit.text);
  const cited = result.sentences.filter((s) => s.citations.length > 0);
  const verified = result.sentences.filter((s) => s.verdict === "verified");
  const figures = result.answered ? unsupportedFigures(result.answer, passages, q.question) : [];
  const verifiedOnNearMiss = q.kind === "near_miss" && result.answered && verified.length > 0;
  return {
    id: q.id,
    kind: q.kind,
    group: questionGroup(q),
    outOfDomain: q.outOfDomain === true,
    question: q.question,
    seconds,
    llmCalled,
    answered: result.answered,
    quoted: result.quoted?.reason ?? null,
    refusal: result.refusal,
    goldValueStated: q.gold ? result.answered && statesValue(result.answer, q.gold.value) : null,
    goldValueGiven: q.gold ? passages.some((p) => statesValue(p, q.gold!.value)) : null,
    citedSentences: cited.length,
    verifiedSentences: verified.length,
    allCitedVerified: result.answered && cited.length > 0 && cited.every((s) => s.verdict === "verified"),
    unsupportedFigures: figures,
    wrongValueSurvives: result.answered && (figures.length > 0 || verifiedOnNearMiss),
    otherValueStated: q.gold ? result.answered && !statesValue(result.answer, q.gold.value) && statesOtherFigure(result.answer, q.question) : null,
    citesOtherDocument: result.answered && result.citations.some((c) => c.fileName !== path.basename(q.file)),
    withheld: result.withheld.length,
    passagesGiven: passages.length,
    answer: result.answer.replace(/\s+/g, " ").slice(0, 400),
  };
}

// Not counted: the first answer after loading pays for cold caches.
await ask({ question: "Which state's law governs the Snotarator distributor agreement?", collections, deps });
const runs: QuestionRun[] = [];
for (const [i, q] of questions.entries()) {
  const r = await run(q, deps);
  runs.push(r);
  const verdict = r.answered ? (r.kind === "near_miss" ? "ANSWERED" : r.goldValueStated ? "answered, gold value" : "answered, no gold value") : "refused";
  const how = r.answered ? (r.quoted ? `quoted after ${r.quoted}` : "model") : (r.refusal?.reason ?? "?");
  process.stderr.write(`  [${i + 1}/${questions.length}] ${r.id}: ${verdict} [${how}] (${round(r.seconds)} s)${r.wrongValueSurvives ? " — wrong value survives" : ""}\n`);
}

await app.close();
load.end = loadAverage();
app.remove();

// ---- report ----
const rate = (xs: QuestionRun[], pred: (r: QuestionRun) => boolean | null) => {
  if (xs.length === 0) return null;
  const known = xs.map(pred);
  return known.some((k) => k === null) ? null : known.filter(Boolean).length / xs.length;
};
const show = (x: number | null, n: number) => (x === null ? (n === 0 ? "-" : "n/a") : `${round(x * 100, 0)}% of ${n}`);

function summarise(label: string, rs: QuestionRun[]) {
  const answerable = rs.filter((r) => r.kind === "answerable");
  const nearMiss = rs.filter((r) => r.kind === "near_miss");
  const answered = rs.filter((r) => r.answered);
  const secs = rs.map((r) => r.seconds);
  return {
    group: label,
    answerable: answerable.length,
    nearMiss: nearMiss.length,
    nearMissRefused: rate(nearMiss, (r) => !r.answered),
    nearMissLlmNotCalled: rate(nearMiss, (r) => !r.llmCalled),
    answerableWronglyRefused: rate(answerable, (r) => !r.answered),
    /** Of those, refused although a passage given held the gold value (the rest: retrieval missed it). */
    refusedWithGoldGiven: answerable.filter((r) => !r.answered && r.goldValueGiven).length,
    goldValueStated: rate(answerable, (r) => r.goldValueStated),
    goldValueGiven: rate(answerable, (r) => r.goldValueGiven),
    otherValueStated: answerable.filter((r) => r.otherValueStated).length,
    answered: answered.length,
    quoted: answered.filter((r) => r.quoted).length,
    quotedWithGold: answered.filter((r) => r.quoted && r.goldValueStated).length,
    allCitedVerified: rate(answered, (r) => r.allCitedVerified),
    citesOtherDocument: rate(answered, (r) => r.citesOtherDocument),
    wrongValueSurvives: rs.filter((r) => r.wrongValueSurvives).length,
    withheld: rs.reduce((n, r) => n + r.withheld, 0),
    meanSeconds: secs.length ? round(secs.reduce((s, x) => s + x, 0) / secs.length, 2) : null,
    medianSeconds: secs.length ? round(median(secs), 2) : null,
  };
}
const groups = [...new Set(runs.map((r) => r.group))].sort();
const summaries = [
  ...groups.map((g) => summarise(g, runs.filter((r) => r.group === g && !r.outOfDomain))),
  summarise("out of domain", runs.filter((r) => r.outOfDomain)),
  summarise("overall", runs),
];
const overall = summaries.at(-1)!;
const targets = {
  nearMissRefused: { target: `>= ${TARGET_NEAR_MISS_REFUSED}`, met: overall.nearMissRefused !== null && overall.nearMissRefused >= TARGET_NEAR_MISS_REFUSED },
  answerableWronglyRefused: { target: `<= ${TARGET_WRONGLY_REFUSED}`, met: overall.answerableWronglyRefused !== null && overall.answerableWronglyRefused <= TARGET_WRONGLY_REFUSED },
  wrongValueSurvives: { target: "0", met: overall.wrongValueSurvives === 0 },
};
const refusalReasons = runs.reduce<Record<string, number>>((acc, r) => {
  const key = `${r.kind}: ${r.answered ? (r.quoted ? `answered by quoting, ${r.quoted}` : "answered") : `refused, ${r.refusal?.reason ?? "no reason"}`}`;
  acc[key] = (acc[key] ?? 0) + 1;
  return acc;
}, {});
const header = {
  llm: path.basename(models.llm),
  embedder: path.basename(models.embedder),
  threads,
  cpus: os.cpus().length,
  contextSize: cfg.llmContextSize,
  corpus: {
    documents: corpus.summary.documents.length,
    chunks: corpus.summary.documents.reduce((s, d) => s + d.chunks, 0),
    ingestedThisRun: corpus.built,
    ingestSeconds: corpus.summary.ingestSeconds,
  },
  questionSet,
  questions: { answerable: runs.filter((r) => r.kind === "answerable").length, nearMiss: runs.filter((r) => r.kind === "near_miss").length, only, limit: Number.isFinite(limit) ? limit : undefined },
  loadAverage: load,
  generationCache: genCache ? { dir: process.env.BENCH_GEN_CACHE, replayed: genCache.hits() } : null,
  wallSeconds: round((performance.now() - wallStart) / 1000, 0),
};

console.log(`\nanswerability bench (${questionSet} question set): ${header.llm}, ${threads} threads on ${header.cpus} CPUs (shared machine: timings are noisy)`);
console.log(`corpus: ${header.corpus.documents} documents, ${header.corpus.chunks} chunks in one collection (${corpus.built ? "ingested this run" : "cached"}; ingest took ${header.corpus.ingestSeconds} s)`);
if (genCache) console.log(`generation cache ${process.env.BENCH_GEN_CACHE}: ${genCache.hits()} generations replayed from earlier runs of the same prompts`);
console.log(`load average 1/5/15 min: start ${load.start.join(" ")}, after corpus ${load.afterCorpus.join(" ")}, end ${load.end.join(" ")}`);
console.table(
  summaries.map((s) => ({
    group: s.group,
    "answerable / near-miss": `${s.answerable} / ${s.nearMiss}`,
    "near-miss refused (≥95%)": show(s.nearMissRefused, s.nearMiss),
    "near-miss, LLM not called": show(s.nearMissLlmNotCalled, s.nearMiss),
    "answerable wrongly refused (≤5%)": show(s.answerableWronglyRefused, s.answerable),
    "  of which gold value was in the passages": s.refusedWithGoldGiven,
    "gold value stated": show(s.goldValueStated, s.answerable),
    "gold value in passages": show(s.goldValueGiven, s.answerable),
    "answerable: other figure stated": s.otherValueStated,
    "answered by quoting a passage (with gold value)": `${s.quoted} (${s.quotedWithGold})`,
    "answered: every cited sentence verified": show(s.allCitedVerified, s.answered),
    "answered: cites another document": show(s.citesOtherDocument, s.answered),
    "sentences withheld": s.withheld,
    "wrong value survives (0)": s.wrongValueSurvives,
    "s/question mean / median": s.meanSeconds === null ? "-" : `${s.meanSeconds} / ${s.medianSeconds}`,
  })),
);
console.log("outcomes:", refusalReasons);
const survivors = runs.filter((r) => r.wrongValueSurvives);
if (survivors.length) {
  console.log("wrong values that survived:");
  for (const r of survivors.slice(0, 25)) console.log(`  ${r.id} [${r.unsupportedFigures.join(", ") || "verified sentence on a near-miss"}]: ${r.answer.slice(0, 160)}`);
}
const otherValue = runs.filter((r) => r.otherValueStated);
if (otherValue.length) {
  console.log(`answerable questions answered with another figure than the gold value (${otherValue.length}), first 15:`);
  for (const r of otherValue.slice(0, 15)) console.log(`  ${r.id}${r.citesOtherDocument ? " (cites another document)" : ""}: ${r.answer.slice(0, 140)}`);
}
const answeredNearMiss = runs.filter((r) => r.kind === "near_miss" && r.answered);
if (answeredNearMiss.length) {
  console.log(`near-miss questions answered (${answeredNearMiss.length}), first 10:`);
  for (const r of answeredNearMiss.slice(0, 10)) console.log(`  ${r.id}: ${r.answer.slice(0, 160)}`);
}
console.table(Object.entries(targets).map(([metric, t]) => ({ metric, value: overall[metric as keyof typeof targets], ...t })));
fs.mkdirSync(path.join(root, "bench-results"), { recursive: true });
fs.writeFileSync(
  path.join(root, "bench-results", `answerability${questionSet === "tuned" ? "" : `-${questionSet}`}${process.env.BENCH_KIND ? `-${process.env.BENCH_KIND}` : ""}.json`),
  JSON.stringify({ date: new Date().toISOString(), ...header, targets, summary: summaries, outcomes: refusalReasons, questions: runs }, null, 2),
);
process.exit(0);
