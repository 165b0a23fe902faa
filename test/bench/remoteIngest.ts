// `npm run bench -- remoteIngest`: two workers vs one on a 200-document ingest whose embedder is
// on another Cairn (CAIRN_EMBED_URL=A/v1, loopback). Each run: a fresh Cairn B (web app, no
// worker), the documents uploaded first, then N worker processes started and timed until every
// document is indexed. Reports documents per second for 1 and 2 workers and their ratio.
// BENCH_DOCS overrides the number of documents (default 200). BENCH_S3=1 puts the vectors in S3
// (moto's server on loopback, a fresh prefix per run), as the grown layout does.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { offlineEnv, root, workerCommand } from "../../scripts/lib.mjs";
import { startCairn, type RunningCairn } from "../browser/utils/cairn";
import { testModelPaths } from "../modelDependent/testModels";
import { startMoto } from "../utils/moto";
import { rng } from "../utils/rng";
import { loadAverage, round } from "./utils/stats";

const DOCS = Number(process.env.BENCH_DOCS ?? 200);
const models = testModelPaths();
const WORDS = "valve pump inspection schedule lease tenant notice payment clause pressure report archive vault spring manager river bridge contract deadline audit".split(" ");

function documentText(i: number): string {
  const next = rng(1000 + i);
  const sentence = () => Array.from({ length: 12 }, () => WORDS[Math.floor(next() * WORDS.length)]).join(" ") + ".";
  // About 2 KB: two or three chunks at 256 tokens.
  return `Document ${i}: record ${i * 7919}.\n\n` + Array.from({ length: 18 }, sentence).join(" ");
}

const a = await startCairn({ CAIRN_LLM_MODEL: models.llm, CAIRN_EMBED_MODEL: models.embedder, CAIRN_MODEL_THREADS: "1" }, { worker: false });
const moto = process.env.BENCH_S3 === "1" ? await startMoto() : undefined;
await moto?.createBucket("cairn-bench");
const embedEnv = { CAIRN_EMBED_URL: `${a.url}/v1`, CAIRN_EMBED_TOKENIZER: models.embedder, CAIRN_LLM_MODEL: models.llm, CAIRN_MODEL_THREADS: "1", CAIRN_WORKER_POLL_MS: "100" };

async function run(workers: number): Promise<{ workers: number; seconds: number; docsPerSecond: number; failed: number; failures: string[] }> {
  const storeEnv: Record<string, string> = moto ? { ...moto.env, CAIRN_LANCEDB_URI: `s3://cairn-bench/run-${workers}-${Date.now()}` } : {};
  const b: RunningCairn = await startCairn({ ...embedEnv, ...storeEnv }, { worker: false, build: false });
  const procs: ChildProcess[] = [];
  try {
    for (let i = 0; i < DOCS; i += 20) {
      const form = new FormData();
      for (let j = i; j < Math.min(DOCS, i + 20); j++) form.append("file", new Blob([documentText(j)]), `doc-${j}.txt`);
      const res = await fetch(`${b.url}/api/documents`, { method: "POST", body: form });
      if (res.status !== 202) throw new Error(`upload ${res.status}: ${await res.text()}`);
    }
    const t = performance.now();
    const env: NodeJS.ProcessEnv = { ...process.env, ...offlineEnv, NODE_ENV: "production", CAIRN_DATA_DIR: b.dataDir, ...embedEnv, ...storeEnv };
    for (let w = 0; w < workers; w++) procs.push(spawn(workerCommand[0] as string, workerCommand[1] as string[], { cwd: root, env, stdio: "ignore" }));
    for (const deadline = Date.now() + 900_000; ; ) {
      const docs = (await (await fetch(`${b.url}/api/documents`)).json()).documents as { status: string; errorCode?: string; errorMessage?: string }[];
      const done = docs.filter((d) => d.status === "indexed" || d.status === "failed");
      if (docs.length === DOCS && done.length === DOCS) {
        const seconds = (performance.now() - t) / 1000;
        const failed = docs.filter((d) => d.status === "failed");
        // The distinct reasons, so a failure is diagnosable from the result file.
        const failures = [...new Set(failed.map((d) => `${d.errorCode}: ${d.errorMessage}`))].slice(0, 3);
        return { workers, seconds: round(seconds), docsPerSecond: round(DOCS / seconds, 2), failed: failed.length, failures };
      }
      if (Date.now() > deadline) throw new Error(`${workers} worker(s): ${done.length}/${DOCS} done in 900 s`);
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    for (const p of procs) p.kill("SIGTERM");
    await b.stop();
  }
}

try {
  const one = await run(1);
  const two = await run(2);
  const result = { date: new Date().toISOString(), documents: DOCS, vectors: moto ? "s3 (moto)" : "local folder", loadAverage: loadAverage(), one, two, ratio: { twoOverOne: round(two.docsPerSecond / one.docsPerSecond, 3) } };
  console.log(JSON.stringify(result, null, 2));
  fs.mkdirSync(path.join(root, "bench-results"), { recursive: true });
  fs.writeFileSync(path.join(root, "bench-results", moto ? "remoteIngest-s3.json" : "remoteIngest.json"), JSON.stringify(result, null, 2));
  if (one.failed || two.failed) process.exitCode = 1;
} finally {
  await a.stop();
  await moto?.stop();
}
