// Asking while the worker embeds: the same questions over the fixture corpus (answerable
// questions of test/fixtures/answerability, test LLM + embedder, lib/ask with the real deps)
// asked idle, then while the real worker process embeds a ~500-page PDF made of fixture text —
// without the compute scheduler (CAIRN_COMPUTE_SCHEDULER=off in the worker: both models spin on
// the same cores, as before issue 11) and with it — one run, ratios side by side. Also the
// worker's embedding throughput during the questions / alone, and how long a new 100-page PDF
// takes to become keyword-searchable (worker idle, and worker busy embedding the big PDF).
// Then the prompt sized to a first-token budget: the same questions idle, budget off vs on,
// interleaved per question (./utils/firstTokenBudget.ts). BENCH_PHASES=budget runs only that,
// BENCH_PHASES=contention only the rest. CAIRN_PROMPT_TOKENS_PER_SECOND pins the speed (reproducible prompts).
// Run: npm run bench -- contention   (BENCH_QUESTIONS=n, BENCH_BIG_PAGES=n, BENCH_ALONE_MS=ms, BENCH_ANSWER_TOKENS=n, BENCH_PHASES=all|contention|budget, BENCH_SET=tuned|heldout|heldout2,
// BENCH_SCHEDULER_MODES=off,on,share: "on" is the scheduler with the worker always pausing
// (CAIRN_COMPUTE_SHARE=off), "share" lets it keep embedding beside an answer while a core is free;
// CAIRN_COMPUTE_SHARE=always for both sides shares whatever the load, to measure what sharing costs)
// The machine is shared (load 8–14): absolute times are meaningless, ratios within the run are not.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { LanguageModel } from "@/models/types";
import { root, workerCommand } from "../../scripts/lib.mjs";
import { benchQuestionSet, loadAnswerabilityQuestions } from "../utils/answerabilityQuestions";
import { openBenchApp } from "./utils/benchApp";
import { compareFirstTokenBudget } from "./utils/firstTokenBudget";
import { makeFixtureTextPdf } from "./utils/fixtureTextPdf";
import { loadAverage, percentile, round } from "./utils/stats";

const N = Number(process.env.BENCH_QUESTIONS) || 20;
const BIG_PAGES = Number(process.env.BENCH_BIG_PAGES) || 500;
const ALONE_MS = Number(process.env.BENCH_ALONE_MS) || 30_000;
const KW_BUSY_CAP_MS = 60_000;
const PHASES = process.env.BENCH_PHASES ?? "all";
if (!["all", "contention", "budget"].includes(PHASES)) throw new Error(`BENCH_PHASES=${PHASES}: expected all, contention or budget`);
const wallStart = performance.now();
const loads: Record<string, [number, number, number]> = { start: loadAverage() };

const app = await openBenchApp("answerability", { CAIRN_ASK_ANSWER_TOKENS: process.env.BENCH_ANSWER_TOKENS ?? "160" });
const { openDb } = await import("@/core/db");
const q = await import("@/core/db/queries");
const { LOCAL_USER_ID } = await import("@/core/db/schema");
const { addUploadedFile, deleteLibraryDocument } = await import("@/lib/library");
const { currentPrincipal } = await import("@/lib/auth");
const { sha256File, tempFilePath } = await import("@/core/files");
const { computeScheduler } = await import("@/models/computeScheduler");
const db = openDb(app.cfg.dbPath);
// The big PDFs go to a collection the questions do not search, so every phase asks over the same passages.
const BULK = "bench-bulk";
q.insertCollection(db, { id: BULK, name: "bench bulk" });
q.setMembership(db, BULK, LOCAL_USER_ID, "owner");

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function upload(bytes: Uint8Array, name: string): Promise<string> {
  const temp = tempFilePath(app.cfg.dataDir);
  fs.writeFileSync(temp, bytes);
  const { sha256, size } = await sha256File(temp);
  return addUploadedFile(currentPrincipal(), BULK, { tempPath: temp, name, sha256, size }).document.id;
}

type SchedulerMode = "off" | "on" | "share";
const MODES = (process.env.BENCH_SCHEDULER_MODES ?? "off,on").split(",") as SchedulerMode[];
if (MODES.some((m) => !["off", "on", "share"].includes(m))) throw new Error(`BENCH_SCHEDULER_MODES=${MODES.join(",")}: use off, on and share`);

function startWorker(mode: SchedulerMode): ChildProcess {
  return spawn(workerCommand[0], workerCommand[1], {
    cwd: root,
    env: { ...process.env, ...app.appEnv, CAIRN_COMPUTE_SCHEDULER: mode === "off" ? "off" : "on", CAIRN_COMPUTE_SHARE: mode === "share" ? (process.env.CAIRN_COMPUTE_SHARE ?? "auto") : "off", CAIRN_WORKER_POLL_MS: "100" },
    stdio: ["ignore", "ignore", "inherit"],
  });
}

async function stopWorker(p: ChildProcess) {
  if (p.exitCode !== null) return;
  const exited = new Promise((r) => p.once("exit", r));
  p.kill("SIGTERM");
  setTimeout(() => p.kill("SIGKILL"), 5000).unref();
  await exited;
}

const embedded = (id: string) => {
  const d = q.getDocument(db, id);
  return { status: d?.status, stage: d?.progress?.stage, done: d?.progress?.stage === "embedding" ? d.progress.done : d?.status === "indexed" ? d.chunkCount : 0, total: d?.progress?.total ?? 0 };
};

// ---- the questions ----
const questions = loadAnswerabilityQuestions(benchQuestionSet())
  .filter((x) => x.kind === "answerable")
  .slice(0, N);
const deps = await app.realAskDeps();

interface Asked {
  id: string;
  ttftMs: number;
  totalMs: number;
  llmFirstTokenMs: number | null;
  llmCalled: boolean;
  answered: boolean;
  statesGold: boolean;
}

async function askOne(question: (typeof questions)[number]): Promise<Asked> {
  const t0 = performance.now();
  let ttft = 0;
  let llmFirst = 0;
  let called = false;
  const llm: LanguageModel = {
    ...deps.llm,
    generate: (messages, opts = {}) => {
      called = true;
      return deps.llm.generate(messages, {
        ...opts,
        onToken: (piece) => {
          llmFirst ||= performance.now() - t0;
          opts.onToken?.(piece);
        },
      });
    },
  };
  const result = await app.ask({ question: question.question, collections: app.collections, deps: { ...deps, llm }, onToken: () => (ttft ||= performance.now() - t0) });
  const totalMs = performance.now() - t0;
  const gold = question.gold?.value.toLowerCase() ?? "";
  return {
    id: question.id,
    ttftMs: ttft || totalMs,
    totalMs,
    llmFirstTokenMs: llmFirst || null,
    llmCalled: called,
    answered: result.answered,
    statesGold: gold !== "" && result.answer.toLowerCase().includes(gold),
  };
}

async function askAll(): Promise<Asked[]> {
  const out: Asked[] = [];
  for (const x of questions) out.push(await askOne(x));
  return out;
}

// A corpus cached before chunk context headers is queued for re-indexing when the store opens;
// on 2 shared cores that takes hours, and its old chunks answer as before: drop those jobs, so
// every phase asks over the same chunks and the worker embeds only the big PDF.
await sleep(2000); // the requeue runs in the background of the store's opening
for (const d of app.corpus.summary.documents) {
  for (const job of q.listJobs(db, d.id)) if (job.status === "pending") q.finishJob(db, job.id, "failed", "bench: re-index skipped");
}

// Warm-up: the models are loaded and the system prompt's KV cache is in place.
await askOne(questions[0]!);

if (PHASES !== "contention") {
  // Budget on: the configured one, or the default when the env turns it off for the other phases.
  const budgetMs = app.cfg.firstTokenBudgetMs || 2500;
  const r = await compareFirstTokenBudget(app.ask, deps, app.collections, questions, budgetMs);
  const speed = deps.llm.promptSpeed?.();
  console.log(`\nfirst-token budget: ${questions.length} questions, each asked budget off and on (order alternating); ${path.basename(app.models.llm)}, ${await app.threads()} threads`);
  console.log(`prompt speed used: ${JSON.stringify(r.speedTokensPerSecond)} tokens/s (${app.cfg.promptTokensPerSecond ? "pinned" : `measured, now ${JSON.stringify(speed)}`}); load ${r.load.start.join(" ")} → ${r.load.end.join(" ")}`);
  console.table(r.rows);
  console.log(`after/before: ${JSON.stringify(r.ratios)}; gold lost with the budget: ${JSON.stringify(r.goldLost)}, gained: ${JSON.stringify(r.goldGained)}`);
  fs.mkdirSync(path.join(root, "bench-results"), { recursive: true });
  fs.writeFileSync(path.join(root, "bench-results", "contention-budget.json"), JSON.stringify({ date: new Date().toISOString(), budgetMs, pinned: app.cfg.promptTokensPerSecond, ...r }, null, 2));
  if (PHASES === "budget") {
    await app.close();
    app.remove();
    process.exit(0);
  }
}

interface Phase {
  phase: string;
  asked: Asked[];
  chunksPerSecAlone?: number;
  chunksPerSecDuring?: number;
  stillEmbeddingAtEnd?: boolean;
  schedulerWaitMs?: number;
  workerPausedMs?: number;
  /** Interactive calls that ran beside the worker (web side of the spare-core policy). */
  sharedCalls?: number;
  load: [number, number, number];
}
const phases: Phase[] = [];

phases.push({ phase: "idle", asked: await askAll(), load: loadAverage() });
console.log(`idle: ${JSON.stringify(phases[0]!.asked.map((a) => [round(a.ttftMs, 0), round(a.totalMs, 0)]))}`);
loads.afterIdle = loadAverage();

let kwBusy: { ms: number | null; capMs: number } | undefined;
for (const mode of MODES) {
  const bigId = await upload(await makeFixtureTextPdf(BIG_PAGES, mode === "off" ? 1 : mode === "on" ? 2 : 5), `big-${mode}.pdf`);
  const worker = startWorker(mode);
  // Into the embedding stage, past the first batch.
  for (let t = Date.now(); embedded(bigId).done < 16; await sleep(200)) {
    if (Date.now() - t > 600_000) throw new Error(`the worker did not start embedding in 10 min: ${JSON.stringify(embedded(bigId))}`);
    if (worker.exitCode !== null) throw new Error("the worker exited");
  }
  const a0 = { t: performance.now(), done: embedded(bigId).done };
  await sleep(ALONE_MS);
  const a1 = { t: performance.now(), done: embedded(bigId).done };
  const waitBefore = computeScheduler().stats.interactiveWaitMs;
  const sharedBefore = computeScheduler().stats.shared;
  const asked = await askAll();
  const a2 = { t: performance.now(), done: embedded(bigId).done };
  const end = embedded(bigId);
  phases.push({
    phase: `during ingestion, scheduler ${mode}`,
    asked,
    chunksPerSecAlone: (a1.done - a0.done) / ((a1.t - a0.t) / 1000),
    chunksPerSecDuring: (a2.done - a1.done) / ((a2.t - a1.t) / 1000),
    stillEmbeddingAtEnd: end.stage === "embedding" && end.status !== "indexed",
    schedulerWaitMs: computeScheduler().stats.interactiveWaitMs - waitBefore,
    sharedCalls: computeScheduler().stats.shared - sharedBefore,
    load: loadAverage(),
  });
  if (mode === "on") {
    // A new 100-page PDF while the worker is busy with the big one.
    const t0 = performance.now();
    const id = await upload(await makeFixtureTextPdf(100, 3), "new-100-busy.pdf");
    let ms: number | null = null;
    while (performance.now() - t0 < KW_BUSY_CAP_MS) {
      if (q.keywordSearchableDocuments(db, [id]).has(id) || q.getDocument(db, id)?.status === "indexed") {
        ms = performance.now() - t0;
        break;
      }
      await sleep(100);
    }
    kwBusy = { ms, capMs: KW_BUSY_CAP_MS };
    await deleteLibraryDocument(currentPrincipal(), id);
  }
  await stopWorker(worker);
  await deleteLibraryDocument(currentPrincipal(), bigId);
  loads[`after_${mode}`] = loadAverage();
  console.log(`phase done: ${JSON.stringify(phases.at(-1), (k, v) => (k === "asked" ? v.map((a: Asked) => [round(a.ttftMs, 0), round(a.totalMs, 0)]) : v))}`);
}

// ---- a new 100-page PDF, worker idle: upload → keyword-searchable ----
const worker = startWorker("on");
await sleep(3000);
const t0 = performance.now();
const newId = await upload(await makeFixtureTextPdf(100, 4), "new-100.pdf");
let kwIdleMs: number | null = null;
while (performance.now() - t0 < 300_000) {
  if (q.keywordSearchableDocuments(db, [newId]).has(newId) || q.getDocument(db, newId)?.status === "indexed") {
    kwIdleMs = performance.now() - t0;
    break;
  }
  await sleep(50);
}
await stopWorker(worker);
loads.end = loadAverage();

// ---- report ----
const idle = phases[0]!;
const stat = (xs: Asked[], k: "ttftMs" | "totalMs", p: number) => percentile(xs.map((x) => x[k]), p);
const rows = phases.map((ph) => ({
  phase: ph.phase,
  "ttft p50 ms": round(stat(ph.asked, "ttftMs", 50), 0),
  "ttft p95 ms": round(stat(ph.asked, "ttftMs", 95), 0),
  "ttft p50 / idle": round(stat(ph.asked, "ttftMs", 50) / stat(idle.asked, "ttftMs", 50), 2),
  "ttft p95 / idle": round(stat(ph.asked, "ttftMs", 95) / stat(idle.asked, "ttftMs", 95), 2),
  "total p50 ms": round(stat(ph.asked, "totalMs", 50), 0),
  "total p50 / idle": round(stat(ph.asked, "totalMs", 50) / stat(idle.asked, "totalMs", 50), 2),
  "LLM called": ph.asked.filter((a) => a.llmCalled).length,
  "states gold": ph.asked.filter((a) => a.statesGold).length,
  "embed chunks/s alone": ph.chunksPerSecAlone === undefined ? "-" : round(ph.chunksPerSecAlone, 2),
  "embed chunks/s during": ph.chunksPerSecDuring === undefined ? "-" : round(ph.chunksPerSecDuring, 2),
  "during / alone": ph.chunksPerSecAlone ? round(ph.chunksPerSecDuring! / ph.chunksPerSecAlone, 2) : "-",
  "still embedding at end": ph.stillEmbeddingAtEnd ?? "-",
  "waited for worker ms": ph.schedulerWaitMs === undefined ? "-" : round(ph.schedulerWaitMs, 0),
  "calls beside worker": ph.sharedCalls ?? "-",
  load1: ph.load[0],
}));
const header = {
  llm: path.basename(app.models.llm),
  embedder: path.basename(app.models.embedder),
  threads: await app.threads(),
  cpus: os.cpus().length,
  questions: questions.length,
  bigPdfPages: BIG_PAGES,
  aloneWindowMs: ALONE_MS,
  answerTokensMax: app.cfg.askAnswerTokens,
  keywordSearchable100PagesMs: { workerIdle: kwIdleMs === null ? null : round(kwIdleMs, 0), workerBusy: kwBusy?.ms == null ? `> ${KW_BUSY_CAP_MS}` : round(kwBusy.ms, 0) },
  loadAverage: loads,
  wallSeconds: round((performance.now() - wallStart) / 1000, 0),
};
console.log(`\ncontention bench: ${header.llm} + ${header.embedder}, ${header.threads} threads per model on ${header.cpus} CPUs; ${N} questions; big PDF ${BIG_PAGES} pages`);
console.log(`load average 1/5/15: ${Object.entries(loads).map(([k, v]) => `${k} ${v.join(" ")}`).join("; ")} (shared machine: ratios, not times)`);
console.table(rows);
console.log(`new 100-page PDF keyword-searchable after: worker idle ${header.keywordSearchable100PagesMs.workerIdle} ms, worker busy embedding ${header.keywordSearchable100PagesMs.workerBusy} ms`);
fs.mkdirSync(path.join(root, "bench-results"), { recursive: true });
fs.writeFileSync(path.join(root, "bench-results", "contention.json"), JSON.stringify({ date: new Date().toISOString(), ...header, rows, phases }, null, 2));
await app.close();
app.remove();
process.exit(0);
