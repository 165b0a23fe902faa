// `npm run bench -- remoteLlm`: what the remote-LLM seam costs. Two Cairns on loopback with the
// test models: A answers with its in-process LLM; B (its own data, worker and embedder) generates
// through CAIRN_LLM_URL=A/v1 — the same model, the same context, an exact tokenizer, so both pack
// the same prompt. The same question to /api/ask on A and on B, interleaved; reports medians, the
// ratio B/A (the seam should add < 5% to total time) and whether the answers are the same text.
// BENCH_ROUNDS overrides the number of rounds (default 8).
import fs from "node:fs";
import path from "node:path";
import { root } from "../../scripts/lib.mjs";
import { startCairn, type RunningCairn } from "../browser/utils/cairn";
import { testModelPaths } from "../modelDependent/testModels";
import { loadAverage, median, round } from "./utils/stats";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);
const QUESTION = "What is the combination of the Heron archive vault?";
const TEXT = "Project Heron vault notes.\n\nThe combination of the Heron archive vault is 4417-QUARTZ-9. It is changed every spring by the facilities manager, Ingrid Vasquez-Oyelaran.";

const models = testModelPaths();
const common = { CAIRN_EMBED_MODEL: models.embedder, CAIRN_MODEL_THREADS: "1", CAIRN_ASK_ANSWER_TOKENS: "64", CAIRN_WORKER_POLL_MS: "200" };
const local = await startCairn({ ...common, CAIRN_LLM_MODEL: models.llm });
let remote: RunningCairn | undefined;

async function indexed(app: RunningCairn) {
  const form = new FormData();
  form.append("file", new Blob([TEXT]), "heron.txt");
  if ((await fetch(`${app.url}/api/documents`, { method: "POST", body: form })).status !== 202) throw new Error("upload failed");
  for (const deadline = Date.now() + 180_000; ; ) {
    const docs = (await (await fetch(`${app.url}/api/documents`)).json()).documents as { status: string }[];
    if (docs.length && docs.every((d) => d.status === "indexed")) return;
    if (Date.now() > deadline) throw new Error("not indexed in time");
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** Asks on `app`; the time until the stream ends and the final answer text. */
async function askOn(app: RunningCairn): Promise<{ ms: number; answer: string }> {
  const t = performance.now();
  const res = await fetch(`${app.url}/api/ask`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ question: QUESTION }) });
  const body = await res.text();
  const ms = performance.now() - t;
  const done = /event: done\ndata: (.*)\n/.exec(body);
  if (res.status !== 200 || !done) throw new Error(`ask on ${app.url}: ${res.status} ${body.slice(-300)}`);
  return { ms, answer: (JSON.parse(done[1]!) as { result: { answer: string } }).result.answer };
}

try {
  remote = await startCairn({ ...common, CAIRN_LLM_URL: `${local.url}/v1`, CAIRN_LLM_TOKENIZER: models.llm });
  await indexed(local);
  await indexed(remote);
  // Warm-up: both load their embedders, A its LLM and its KV cache of the system prompt.
  await askOn(local);
  await askOn(remote);
  const ms = { inProcess: [] as number[], remoteSeam: [] as number[] };
  const answers = { inProcess: "", remoteSeam: "" };
  for (let i = 0; i < ROUNDS; i++) {
    const order = i % 2 === 0 ? (["inProcess", "remoteSeam"] as const) : (["remoteSeam", "inProcess"] as const);
    for (const k of order) {
      const r = await askOn(k === "inProcess" ? local : remote);
      ms[k].push(r.ms);
      answers[k] = r.answer;
    }
  }
  const medians = { inProcess: round(median(ms.inProcess)), remoteSeam: round(median(ms.remoteSeam)) };
  const result = {
    date: new Date().toISOString(),
    rounds: ROUNDS,
    loadAverage: loadAverage(),
    medianMs: medians,
    ratio: { remoteOverInProcess: round(medians.remoteSeam / medians.inProcess, 3) },
    sameAnswer: answers.inProcess === answers.remoteSeam,
    answers,
    allMs: { inProcess: ms.inProcess.map((x) => round(x)), remoteSeam: ms.remoteSeam.map((x) => round(x)) },
  };
  console.log(JSON.stringify(result, null, 2));
  fs.mkdirSync(path.join(root, "bench-results"), { recursive: true });
  fs.writeFileSync(path.join(root, "bench-results", "remoteLlm.json"), JSON.stringify(result, null, 2));
} finally {
  await remote?.stop();
  await local.stop();
}
